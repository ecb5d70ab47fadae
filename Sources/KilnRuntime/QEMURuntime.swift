import Crypto
import Foundation
import KilnCore
import KilnNBD
import Logging

/// Instances that really boot: one QEMU per running instance, its disks Kiln volumes served
/// over NBD from the block store, its serial console kept per instance.
///
/// The runtime reconciles: each pass reads the instances that are not terminated and makes
/// the machines match them (boot a `pending` instance, press the power button of a
/// `stopping` one, end a `shutting-down` one), then reports back through the instance
/// service, which moves the states. Passes run on every caller's change and twice a second.
/// A restart of Kiln boots again the instances recorded as running, with a new boot.
package actor QEMURuntime: InstanceRuntime {
    package nonisolated let summary: String
    package nonisolated var drivesStates: Bool { true }
    /// The acceleration every machine uses.
    package nonisolated let acceleration: Acceleration

    let settings: QEMUSettings
    let logger: Logger
    let children = ChildProcesses()
    /// Sockets and per-machine files: short, so Unix socket paths fit.
    let runDirectory: URL
    let consoleDirectory: URL
    var context: CloudContext?
    var machines: [String: Machine] = [:]
    var forcedStops: Set<String> = []
    /// Instances whose machines are off while CreateImage snapshots them; they boot again after.
    var heldForImage: Set<String> = []
    /// The instances held off for another node's CreateImage, with its request and since when.
    var heldForOtherNode: [String: (request: String, since: ContinuousClock.Instant)] = [:]
    var closing = false
    var wake: AsyncStream<Void>.Continuation?

    /// A runtime for `settings`: probes the acceleration and clears what an earlier Kiln
    /// on the same data directory left behind.
    package init(settings: QEMUSettings, logger: Logger) throws {
        guard let emulator = ExecutableLookup.find(settings.x86Emulator) else {
            throw QEMURuntimeError("\(settings.x86Emulator) is not installed (Debian: apt-get install qemu-system-x86)")
        }
        let (acceleration, why) = Acceleration.probe(emulator: emulator)
        self.acceleration = acceleration
        self.settings = settings
        self.logger = logger
        let dataPath = URL(fileURLWithPath: settings.dataDirectory).standardizedFileURL.path
        let tag = SHA256.hash(data: Array(dataPath.utf8)).prefix(6).map { String(format: "%02x", $0) }.joined()
        runDirectory = URL(fileURLWithPath: "/tmp/kiln-run-\(tag)", isDirectory: true)
        consoleDirectory = URL(fileURLWithPath: settings.dataDirectory).appendingPathComponent("consoles", isDirectory: true)
        try? FileManager.default.removeItem(at: runDirectory)
        try FileManager.default.createDirectory(at: runDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: consoleDirectory, withIntermediateDirectories: true)
        summary =
            "qemu (\(emulator), acceleration \(acceleration.rawValue): \(why); at most \(settings.maxMemoryMiB) MiB and \(settings.maxVCPUs) vCPUs per machine, \(settings.effectiveBudgetMiB) MiB in all)"
    }

    /// Connects the runtime to the cloud whose instances it runs.
    package func bind(_ context: CloudContext) {
        self.context = context
    }

    /// Replays the volume journals an earlier Kiln left, then reconciles until cancelled, and
    /// then ends every machine (the instances stay `running` in
    /// the records, and boot again when Kiln starts again).
    package func run() async {
        if let context, settings.journalsSmallWrites { await replayLeftJournals(context: context) }
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        wake = continuation
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(500))
                continuation.yield()
            }
        }
        await withTaskCancellationHandler {
            for await _ in stream {
                if Task.isCancelled { break }
                await reconcile()
            }
        } onCancel: {
            continuation.finish()
        }
        ticker.cancel()
        await shutDown()
    }

    /// Ends every machine at once, for Kiln's own shutdown.
    package func shutDown() async {
        closing = true
        for machine in machines.values { machine.kill() }
        for machine in machines.values {
            let process = machine.process
            _ = try? await Blocking.offPool { process.waitUntilExit() }
            let (servers, exports) = machine.releaseResources()
            for server in servers { server.close() }
            _ = try? await Blocking.offPool { for export in exports { try? export.close() } }
        }
        machines = [:]
        try? FileManager.default.removeItem(at: runDirectory)
    }

    // MARK: InstanceRuntime

    package func admit(instanceType: String, count: Int) async throws {
        guard let type = InstanceTypeCatalog.info(instanceType) else { return }
        if !type.runs(architecture: "x86_64"), ExecutableLookup.find(settings.armEmulator) == nil {
            throw CloudError(
                "Unsupported",
                "The instance type '\(instanceType)' needs \(settings.armEmulator), which is not installed on this Kiln host; choose an x86_64 instance type and image."
            )
        }
        guard let context else { return }
        let orders = try await context.instances.machineOrders()
        let used = orders.filter { [.pending, .running, .stopping, .shuttingDown].contains($0.instance.state) }
            .reduce(0) { $0 + memory(of: $1.instance.instanceType) }
        let wanted = memory(of: instanceType) * count
        let budget = settings.effectiveBudgetMiB
        guard used + wanted <= budget else {
            throw CloudError(
                "InsufficientInstanceCapacity",
                "We currently do not have sufficient \(instanceType) capacity: \(count) more would need \(wanted) MiB, and \(used) of this host's \(budget) MiB are in use. Stop or terminate instances, or try again later.",
                category: .server
            )
        }
    }

    package func instancesChanged(_ change: RuntimeChange) async {
        switch change.request {
        case .stop(force: true): forcedStops.formUnion(change.instanceIDs)
        default: break
        }
        wake?.yield()
    }

    package func checkDeviceChange(instanceID: String, volumeID: String, attaching: Bool) async throws {}

    package func consoleOutput(instanceID: String) async -> [UInt8]? {
        let path = consolePath(instanceID)
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let start = size > 65_536 ? size - 65_536 : 0
        try? handle.seek(toOffset: start)
        return Array((try? handle.readToEnd()) ?? Data())
    }

    // MARK: Machines

    func consolePath(_ instanceID: String) -> String {
        consoleDirectory.appendingPathComponent("\(instanceID).log").path
    }

    /// The memory a machine of `instanceType` gets, in MiB.
    func memory(of instanceType: String) -> Int {
        min(InstanceTypeCatalog.info(instanceType)?.memoryMiB ?? 512, settings.maxMemoryMiB)
    }

    /// Presses the reset button of an instance's machine; the console shows a second boot.
    func reset(_ instanceID: String) async {
        guard let machine = machines[instanceID], !machine.exited else { return }
        let path = machine.qmpPath
        do {
            try await Blocking.offPool { _ = try QMPClient.execute("system_reset", at: path) }
        } catch {
            logger.warning("reset failed", metadata: ["instance": .string(instanceID), "error": .string("\(error)")])
        }
    }
}

/// A runtime that cannot run.
package struct QEMURuntimeError: Error, CustomStringConvertible {
    package var description: String
    init(_ description: String) { self.description = description }
}

extension QEMURuntime {
    /// Asks for a reconciling pass soon.
    func wakeUp() { wake?.yield() }
}
