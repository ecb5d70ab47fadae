import Foundation
import KilnBlocks
import KilnCore
import KilnStore
import Synchronization
import Testing

@testable import KilnTestSupport

/// A runtime that drives states, as the QEMU runtime does, but whose machines are the test's:
/// it records what it hears and refuses launches past a count.
final class RecordingRuntime: InstanceRuntime {
    let heard = Mutex<[RuntimeChange]>([])
    let capacity: Int
    let admitted = Mutex(0)

    init(capacity: Int = 10) { self.capacity = capacity }

    var summary: String { "recording" }
    var drivesStates: Bool { true }
    func admit(instanceType: String, count: Int) async throws {
        try admitted.withLock { admitted in
            guard admitted + count <= capacity else {
                throw CloudError("InsufficientInstanceCapacity", "We currently do not have sufficient \(instanceType) capacity.", category: .server)
            }
            admitted += count
        }
    }
    func instancesChanged(_ change: RuntimeChange) async { heard.withLock { $0.append(change) } }
    func checkDeviceChange(instanceID: String, volumeID: String, attaching: Bool) async throws {}
    func consoleOutput(instanceID: String) async -> [UInt8]? { Array("machine console of \(instanceID)\n".utf8) }
}

@Suite("Instance runtime port", .timeLimit(.minutes(2)))
struct RuntimePortTests {
    func cloud(_ runtime: RecordingRuntime) throws -> Cloud {
        let store = try SQLiteMetadataStore.inMemory()
        let clock = ManualClock()
        return Cloud(
            identity: IdentityDirectory(),
            regions: RegionCatalog(),
            store: store,
            clock: clock,
            ids: SequentialIDGenerator(),
            blocks: makeBlockStore(metadata: store, clock: clock),
            objects: MemoryBlobStore(),
            runtime: runtime
        )
    }

    func launch(_ cloud: Cloud, _ caller: Caller, count: Int = 1, behavior: String? = nil) async throws -> Reservation {
        var data = LaunchTemplateData()
        data.imageID = try await registerTestImage(cloud, caller, name: "boot-\(UUID().uuidString.prefix(6))")
        data.instanceType = "t3.micro"
        data.shutdownBehavior = behavior
        return try await cloud.instances.runInstances(caller, LaunchRequest(data: data, minCount: count, maxCount: count))
    }

    @Test("With a runtime that drives states, an instance stays pending until its machine boots, and the runtime hears each call")
    func pendingUntilBooted() async throws {
        let runtime = RecordingRuntime()
        let cloud = try cloud(runtime)
        let caller = testCaller()
        let id = try await launch(cloud, caller).instances[0].id
        try await cloud.applyDueTransitions()
        #expect(try await cloud.instances.instance(caller, id: id).state == .pending)
        let orders = try await cloud.instances.machineOrders()
        #expect(orders.map(\.instance.id) == [id] && orders[0].awaitingAdmission == false)
        #expect(orders[0].disks.count == 1)
        try await cloud.instances.machineBooted(id)
        let running = try await cloud.instances.instance(caller, id: id)
        #expect(running.state == .running && running.bootCount == 1)
        _ = try await cloud.instances.stopInstances(caller, ids: [id], force: true)
        try await cloud.applyDueTransitions()
        #expect(try await cloud.instances.instance(caller, id: id).state == .stopping, "stopping until the machine is off")
        try await cloud.instances.machineEnded(id, cause: .requested)
        #expect(try await cloud.instances.instance(caller, id: id).state == .stopped)
        let heard = runtime.heard.withLock { $0.map(\.request) }
        #expect(heard == [.launch, .stop(force: true)])
        #expect(try await cloud.instances.consoleOutput(caller, id: id).text == "machine console of \(id)\n")
    }

    @Test("A guest's power-off stops the instance, or terminates it and releases its volumes when the behaviour says terminate")
    func guestShutdown() async throws {
        let cloud = try cloud(RecordingRuntime())
        let caller = testCaller()
        let stopper = try await launch(cloud, caller).instances[0]
        try await cloud.instances.machineBooted(stopper.id)
        try await cloud.instances.machineEnded(stopper.id, cause: .guestShutdown)
        let stopped = try await cloud.instances.instance(caller, id: stopper.id)
        #expect(stopped.state == .stopped && stopped.stateReason?.code == "Client.InstanceInitiatedShutdown")

        let terminator = try await launch(cloud, caller, behavior: "terminate").instances[0]
        try await cloud.instances.machineBooted(terminator.id)
        try await cloud.instances.machineEnded(terminator.id, cause: .guestShutdown)
        let terminated = try await cloud.instances.instance(caller, id: terminator.id)
        #expect(terminated.state == .terminated && terminated.devices.isEmpty)
        let root = try #require(terminator.devices.first)
        let volume = try await cloud.store.read { try $0.fetch(Volume.self, id: root.volumeID) }
        #expect(volume == nil || volume?.state == .deleting, "DeleteOnTermination applies")
    }

    @Test("A machine that dies stops its instance with Server.InternalError; a launch past the runtime's capacity is refused")
    func failuresAndCapacity() async throws {
        let cloud = try cloud(RecordingRuntime(capacity: 2))
        let caller = testCaller()
        let id = try await launch(cloud, caller).instances[0].id
        try await cloud.instances.machineBooted(id)
        try await cloud.instances.machineEnded(id, cause: .failed("QEMU exited with status 1."))
        let stopped = try await cloud.instances.instance(caller, id: id)
        #expect(stopped.state == .stopped && stopped.stateReason?.code == "Server.InternalError")
        #expect(stopped.stateReason?.message.contains("QEMU exited") == true)
        do {
            _ = try await launch(cloud, caller, count: 2)
            Issue.record("a launch past capacity succeeded")
        } catch let error as CloudError {
            #expect(error.code == "InsufficientInstanceCapacity")
        }
    }
}
