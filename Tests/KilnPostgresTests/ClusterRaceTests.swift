import Foundation
import KilnCore
import KilnPostgres
import Testing

@testable import KilnTestSupport

/// Two nodes on one PostgreSQL database race for the same thing; each race runs several rounds
/// so that the calls really overlap. Of each pair exactly one wins, and the other gets the
/// error AWS gives for the same collision.
@Suite(
    "Two nodes racing on PostgreSQL",
    .serialized,
    .timeLimit(.minutes(5)),
    .enabled(if: ScratchPostgres.unavailable == nil, "PostgreSQL 15 is not installed (scripts/install-deps.sh test installs postgresql-15)")
)
struct ClusterRaceTests {
    static let rounds = 6

    /// Runs `first` on one node and `second` on the other at once; answers what each gave.
    func race<A: Sendable, B: Sendable>(
        _ first: @escaping @Sendable () async throws -> A,
        _ second: @escaping @Sendable () async throws -> B
    ) async -> (Result<A, any Error>, Result<B, any Error>) {
        async let one = outcome(first)
        async let two = outcome(second)
        return await (one, two)
    }

    func outcome<T>(_ body: () async throws -> T) async -> Result<T, any Error> {
        do {
            return .success(try await body())
        } catch {
            return .failure(error)
        }
    }

    /// The AWS error code a failed call gave.
    func code<T>(_ result: Result<T, any Error>) -> String? {
        guard case .failure(let error) = result else { return nil }
        return (error as? CloudError)?.code ?? "\(error)"
    }

    @Test("The same image name registered on both nodes at once: one image, InvalidAMIName.Duplicate for the other")
    func sameImageName() async throws {
        let nodes = try await TwoNodes.make()
        defer { nodes.close() }
        let caller = testCaller()
        for round in 0..<Self.rounds {
            let snapshots = (try await completedSnapshot(nodes.first, caller), try await completedSnapshot(nodes.second, caller))
            let name = "race-\(round)"
            let (first, second) = await race(
                { try await nodes.first.images.registerImage(caller, Self.registration(name, snapshots.0)) },
                { try await nodes.second.images.registerImage(caller, Self.registration(name, snapshots.1)) }
            )
            let codes = [code(first), code(second)]
            #expect(codes.filter { $0 == nil }.count == 1, "round \(round): exactly one wins, got \(codes)")
            #expect(codes.contains("InvalidAMIName.Duplicate"), "round \(round): \(codes)")
            var query = ImageQuery(region: caller.region, viewer: nil)
            query.namePatterns = [name]
            let byName = query
            let named = try await nodes.first.store.read { try $0.images(byName) }
            #expect(named.count == 1, "round \(round): one image named \(name)")
        }
    }

    static func registration(_ name: String, _ snapshot: String) -> ImageRegistration {
        var registration = ImageRegistration(
            name: name,
            rootDeviceName: "/dev/xvda",
            mappings: [.init(deviceName: "/dev/xvda", snapshotID: snapshot)]
        )
        registration.architecture = "x86_64"
        return registration
    }

    @Test("One ClientToken claimed on both nodes at once: one reservation, IdempotentParameterMismatch for the other parameters")
    func sameClientToken() async throws {
        let nodes = try await TwoNodes.make()
        defer { nodes.close() }
        let caller = testCaller()
        let images = (
            try await registerTestImage(nodes.first, caller, name: "token-a"), try await registerTestImage(nodes.first, caller, name: "token-b")
        )
        for round in 0..<Self.rounds {
            let token = "token-\(round)"
            let (first, second) = await race(
                { try await nodes.first.instances.runInstances(caller, Self.launch(images.0, token: token)) },
                { try await nodes.second.instances.runInstances(caller, Self.launch(images.1, token: token)) }
            )
            let codes = [code(first), code(second)]
            #expect(codes.filter { $0 == nil }.count == 1, "round \(round): exactly one wins, got \(codes)")
            #expect(codes.contains("IdempotentParameterMismatch"), "round \(round): \(codes)")
        }
        let described = try await nodes.second.instances.describeInstances(caller, ids: nil, filters: [], page: .all)
        #expect(described.reservations.count == Self.rounds, "one reservation a token")
        // The same parameters under one token on both nodes: one volume, and both answers name it.
        let request = VolumeRequest(availabilityZone: "us-east-1a", size: 8, clientToken: "volume-token")
        let (first, second) = await race(
            { try await nodes.first.volumes.createVolume(caller, request).0.id },
            { try await nodes.second.volumes.createVolume(caller, request).0.id }
        )
        #expect(try first.get() == second.get(), "a retry on the other node answers with the first call's volume")
    }

    static func launch(_ image: String, token: String) -> LaunchRequest {
        var data = LaunchTemplateData()
        data.imageID = image
        data.instanceType = "t3.micro"
        return LaunchRequest(data: data, minCount: 1, maxCount: 1, clientToken: token)
    }

    @Test("One volume attached on both nodes at once: one attachment, VolumeInUse for the other")
    func sameVolumeAttached() async throws {
        let nodes = try await TwoNodes.make()
        defer { nodes.close() }
        let caller = testCaller()
        let image = try await registerTestImage(nodes.first, caller, name: "attach")
        var request = Self.launch(image, token: "attach")
        request.maxCount = 2
        request.minCount = 2
        request.clientToken = nil
        let instances = try await nodes.first.instances.runInstances(caller, request).instances.map(\.id)
        for round in 0..<Self.rounds {
            let zone = try await nodes.first.store.read { try $0.fetch(Instance.self, id: instances[0])?.availabilityZone } ?? "us-east-1a"
            let (volume, _) = try await nodes.second.volumes.createVolume(caller, VolumeRequest(availabilityZone: zone, size: 1))
            _ = try await nodes.first.applyDueTransitions()
            let (first, second) = await race(
                { try await nodes.first.volumes.attachVolume(caller, volumeID: volume.id, instanceID: instances[0], device: "/dev/sdf\(round)") },
                { try await nodes.second.volumes.attachVolume(caller, volumeID: volume.id, instanceID: instances[1], device: "/dev/sdg\(round)") }
            )
            let codes = [code(first), code(second)]
            #expect(codes.filter { $0 == nil }.count == 1, "round \(round): exactly one wins, got \(codes)")
            #expect(codes.contains("VolumeInUse"), "round \(round): \(codes)")
            let devices = try await nodes.first.store.read { transaction in
                try instances.map { try transaction.fetch(Instance.self, id: $0)?.devices.filter { $0.volumeID == volume.id }.count ?? 0 }
            }
            #expect(devices.reduce(0, +) == 1, "round \(round): one instance has the volume")
        }
    }

    @Test("A snapshot deleted on one node while the other copies it: the copy is refused, or it is whole")
    func deleteWhileCopying() async throws {
        let nodes = try await TwoNodes.make()
        defer { nodes.close() }
        let caller = testCaller()
        var outcomes: [String: Int] = [:]
        for round in 0..<Self.rounds {
            let source = try await completedSnapshot(nodes.first, caller, size: 2)
            let (copy, deletion) = await race(
                {
                    try await nodes.first.snapshots.copySnapshot(
                        caller,
                        sourceRegion: "us-east-1",
                        sourceSnapshotID: source,
                        description: nil,
                        encrypted: nil,
                        kmsKeyID: nil,
                        tags: []
                    )
                },
                { try await nodes.second.snapshots.deleteSnapshot(caller, id: source) }
            )
            #expect(code(deletion) == nil, "round \(round): DeleteSnapshot of a completed snapshot succeeds")
            switch copy {
            case .success(let copyID):
                outcomes["copied", default: 0] += 1
                _ = try await nodes.second.applyDueTransitions()
                let count = try await nodes.second.store.read { try $0.blockCount(of: copyID) }
                #expect(count == 1, "round \(round): the copy holds its source's block")
            case .failure:
                outcomes["refused", default: 0] += 1
                #expect(code(copy) == "InvalidSnapshot.NotFound", "round \(round): \(code(copy) ?? "")")
            }
        }
        #expect(outcomes.values.reduce(0, +) == Self.rounds, "\(outcomes)")
    }

    @Test("Snapshots on one node of a volume whose blocks the other commits without pause: each succeeds, and holds one commit whole")
    func snapshotWhileTheOtherNodeFlushes() async throws {
        let nodes = try await TwoNodes.make()
        defer { nodes.close() }
        let caller = testCaller()
        let (created, _) = try await nodes.first.volumes.createVolume(caller, VolumeRequest(availabilityZone: "us-east-1a", size: 1))
        _ = try await nodes.first.applyDueTransitions()
        let volume = try await nodes.second.volumes.deviceVolume(created.id)
        // The other node's flushes: blocks 0 and 1 both hold the same counter, in one commit each.
        let flushes = Task {
            var counter: UInt64 = 0
            while !Task.isCancelled {
                counter += 1
                var block = [UInt8](repeating: 0, count: Block.size)
                withUnsafeBytes(of: counter.littleEndian) { block.replaceSubrange(0..<8, with: $0) }
                do {
                    try await nodes.second.volumes.commitDeviceBlocks(volume, [(0, block), (1, block)])
                } catch {
                    if Task.isCancelled { break }
                    throw error
                }
            }
            return counter
        }
        defer { flushes.cancel() }
        try await Task.sleep(for: .milliseconds(200))
        for round in 0..<Self.rounds {
            let (snapshot, _) = try await nodes.first.snapshots.createSnapshot(caller, volumeID: created.id, description: nil, tags: [])
            let entries = try await nodes.first.store.read { try $0.blockMap(of: snapshot.id, from: 0, limit: nil) }
            #expect(entries.count == 2, "round \(round): both blocks are in the snapshot")
            #expect(Set(entries.map(\.sha256)).count == 1, "round \(round): both blocks come from one commit")
        }
        flushes.cancel()
        let commits = try await flushes.value
        #expect(commits > UInt64(Self.rounds), "the other node kept committing (\(commits) commits)")
    }
}
