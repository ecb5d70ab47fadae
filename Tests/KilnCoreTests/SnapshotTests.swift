import Crypto
import Foundation
import KilnBlocks
import KilnCore
import KilnStore
import Testing

@testable import KilnTestSupport

@Suite("EBS direct APIs and snapshots", .timeLimit(.minutes(2)))
struct SnapshotTests {
    func upload(_ cloud: Cloud, _ caller: Caller, size: Int = 1, parent: String? = nil, blocks: [Int: [UInt8]], encrypted: Bool? = nil) async throws
        -> String
    {
        let (snapshot, _) = try await cloud.snapshots.startSnapshot(
            caller,
            DirectUploadRequest(volumeSize: size, parentSnapshotID: parent, encrypted: encrypted)
        )
        for (index, data) in blocks {
            _ = try await cloud.snapshots.putSnapshotBlock(
                caller,
                snapshotID: snapshot.id,
                index: index,
                data: data,
                dataLength: Block.size,
                checksum: base64SHA256(data),
                checksumAlgorithm: "SHA256",
                progress: nil
            )
        }
        let aggregate = Data(SHA256.hash(data: blocks.sorted { $0.key < $1.key }.flatMap { sha256($0.value) })).base64EncodedString()
        _ = try await cloud.snapshots.completeSnapshot(
            caller,
            snapshotID: snapshot.id,
            changedBlocksCount: blocks.count,
            checksum: aggregate,
            checksumAlgorithm: "SHA256",
            aggregationMethod: "LINEAR"
        )
        return snapshot.id
    }

    @Test("Upload, list, read back; an incremental child lists only its change")
    func directRoundTrip() async throws {
        let (cloud, _) = try makeTestCloud()
        let caller = testCaller()
        let blocks = [0: textBlock(0), 5: randomBlock(), 9: textBlock(9)]
        let first = try await upload(cloud, caller, blocks: blocks)
        let listing = try await cloud.snapshots.listSnapshotBlocks(caller, snapshotID: first, startingIndex: nil, maxResults: nil, nextToken: nil)
        #expect(listing.items.map(\.index) == [0, 5, 9])
        for item in listing.items {
            let (data, checksum) = try await cloud.snapshots.getSnapshotBlock(
                caller,
                snapshotID: first,
                index: item.index,
                token: try #require(item.secondToken)
            )
            #expect(data == blocks[item.index])
            #expect(checksum == base64SHA256(data))
        }
        let changed = randomBlock()
        let second = try await upload(cloud, caller, parent: first, blocks: [5: changed, 12: textBlock(12)])
        let diff = try await cloud.snapshots.listChangedBlocks(
            caller,
            firstSnapshotID: first,
            secondSnapshotID: second,
            startingIndex: nil,
            maxResults: nil,
            nextToken: nil
        )
        #expect(diff.items.map(\.index) == [5, 12])
        #expect(diff.items.last?.firstToken == nil, "a block new in the second snapshot has no first token")
        let all = try await cloud.snapshots.listSnapshotBlocks(caller, snapshotID: second, startingIndex: nil, maxResults: nil, nextToken: nil)
        #expect(all.items.map(\.index) == [0, 5, 9, 12], "a completed child's map is complete")
        let described = try await cloud.snapshots.describeSnapshots(caller, ids: [second], owners: nil, filters: [], page: .all).snapshots.first?.0
        #expect(described?.storage?.changedBlockCount == 2)
        #expect(described?.storage?.logicalBytes == Int64(4 * Block.size))
    }

    @Test("Refusals: wrong checksum, wrong count, wrong aggregate, reused client token, forged token, unrelated snapshots")
    func refusals() async throws {
        let (cloud, _) = try makeTestCloud()
        let caller = testCaller()
        let (snapshot, _) = try await cloud.snapshots.startSnapshot(caller, DirectUploadRequest(volumeSize: 1, clientToken: "t-1"))
        let data = randomBlock()
        await #expect(throws: CloudError.self) {
            _ = try await cloud.snapshots.putSnapshotBlock(
                caller,
                snapshotID: snapshot.id,
                index: 0,
                data: data,
                dataLength: Block.size,
                checksum: base64SHA256(textBlock(0)),
                checksumAlgorithm: "SHA256",
                progress: nil
            )
        }
        await #expect(throws: CloudError.self, "index outside the volume") {
            _ = try await cloud.snapshots.putSnapshotBlock(
                caller,
                snapshotID: snapshot.id,
                index: 2048,
                data: data,
                dataLength: Block.size,
                checksum: base64SHA256(data),
                checksumAlgorithm: "SHA256",
                progress: nil
            )
        }
        let again = try await cloud.snapshots.startSnapshot(caller, DirectUploadRequest(volumeSize: 1, clientToken: "t-1"))
        #expect(again.0.id == snapshot.id, "the same token and parameters give the same snapshot")
        await #expect(throws: CloudError("ConflictException", "The request uses the same client token as a previous, but non-identical request.")) {
            _ = try await cloud.snapshots.startSnapshot(caller, DirectUploadRequest(volumeSize: 2, clientToken: "t-1"))
        }
        _ = try await cloud.snapshots.putSnapshotBlock(
            caller,
            snapshotID: snapshot.id,
            index: 0,
            data: data,
            dataLength: Block.size,
            checksum: base64SHA256(data),
            checksumAlgorithm: "SHA256",
            progress: 10
        )
        await #expect(throws: CloudError.self) {
            _ = try await cloud.snapshots.completeSnapshot(
                caller,
                snapshotID: snapshot.id,
                changedBlocksCount: 2,
                checksum: nil,
                checksumAlgorithm: nil,
                aggregationMethod: nil
            )
        }
        await #expect(throws: CloudError.self) {
            _ = try await cloud.snapshots.completeSnapshot(
                caller,
                snapshotID: snapshot.id,
                changedBlocksCount: 1,
                checksum: base64SHA256([1]),
                checksumAlgorithm: "SHA256",
                aggregationMethod: "LINEAR"
            )
        }
        _ = try await cloud.snapshots.completeSnapshot(
            caller,
            snapshotID: snapshot.id,
            changedBlocksCount: 1,
            checksum: nil,
            checksumAlgorithm: nil,
            aggregationMethod: nil
        )
        await #expect(throws: CloudError.self, "a token for another block") {
            let listing = try await cloud.snapshots.listSnapshotBlocks(
                caller,
                snapshotID: snapshot.id,
                startingIndex: nil,
                maxResults: nil,
                nextToken: nil
            )
            _ = try await cloud.snapshots.getSnapshotBlock(caller, snapshotID: snapshot.id, index: 1, token: listing.items[0].secondToken ?? "")
        }
        let other = try await upload(cloud, caller, blocks: [0: textBlock(3)])
        await #expect(throws: CloudError.self, "snapshots of different lineages") {
            _ = try await cloud.snapshots.listChangedBlocks(
                caller,
                firstSnapshotID: snapshot.id,
                secondSnapshotID: other,
                startingIndex: nil,
                maxResults: nil,
                nextToken: nil
            )
        }
        await #expect(throws: CloudError.self, "another account cannot see it") {
            _ = try await cloud.snapshots.listSnapshotBlocks(
                testCaller(account: "222222222222"),
                snapshotID: other,
                startingIndex: nil,
                maxResults: nil,
                nextToken: nil
            )
        }
    }

    @Test("Block tokens expire; abandoned uploads time out; uploads interrupted by a restart fail")
    func expiryAndTimeouts() async throws {
        let (cloud, clock) = try makeTestCloud()
        let caller = testCaller()
        let done = try await upload(cloud, caller, blocks: [3: randomBlock()])
        let token = try #require(
            try await cloud.snapshots.listSnapshotBlocks(caller, snapshotID: done, startingIndex: nil, maxResults: nil, nextToken: nil).items.first?
                .secondToken
        )
        let (abandoned, _) = try await cloud.snapshots.startSnapshot(caller, DirectUploadRequest(volumeSize: 1, timeoutMinutes: 10))
        let (interrupted, _) = try await cloud.snapshots.startSnapshot(caller, DirectUploadRequest(volumeSize: 1, timeoutMinutes: 4320))
        clock.advance(by: 3 * 3600)
        await #expect(throws: CloudError.self) { _ = try await cloud.snapshots.getSnapshotBlock(caller, snapshotID: done, index: 3, token: token) }
        try await cloud.applyDueTransitions()
        let states = try await cloud.snapshots.describeSnapshots(caller, ids: [abandoned.id, interrupted.id], owners: nil, filters: [], page: .all)
            .snapshots
        #expect(states.first { $0.0.id == abandoned.id }?.0.state == .error)
        #expect(states.first { $0.0.id == interrupted.id }?.0.state == .pending)
        #expect(try await cloud.snapshots.failInterruptedUploads() == 1)
    }

    @Test("A block goes only into its owner's open upload, inside the volume, before the upload's timeout")
    func putChecksItsUpload() async throws {
        let (cloud, clock) = try makeTestCloud()
        let caller = testCaller()
        let (snapshot, _) = try await cloud.snapshots.startSnapshot(caller, DirectUploadRequest(volumeSize: 1, timeoutMinutes: 10))
        let block = randomBlock()
        func put(_ who: Caller, index: Int = 0) async throws {
            _ = try await cloud.snapshots.putSnapshotBlock(
                who,
                snapshotID: snapshot.id,
                index: index,
                data: block,
                dataLength: Block.size,
                checksum: base64SHA256(block),
                checksumAlgorithm: "SHA256",
                progress: nil
            )
        }
        try await put(caller)
        func refusal(_ attempt: () async throws -> Void) async -> CloudError? {
            do {
                try await attempt()
                return nil
            } catch {
                return error as? CloudError
            }
        }
        let stranger = await refusal { try await put(testCaller(account: "222222222222")) }
        #expect(stranger?.code == "ResourceNotFoundException", "another account's upload does not exist for it")
        let outside = await refusal { try await put(caller, index: Block.perGiB) }
        #expect(outside?.reason == "INVALID_BLOCK", "a 1 GiB volume has \(Block.perGiB) blocks")
        clock.advance(by: 10 * 60)
        let late = await refusal { try await put(caller, index: 1) }
        #expect(late?.message.contains("timeout") == true, "the timeout is checked before the transition runs: \(String(describing: late))")
        let lateCompletion = await refusal {
            _ = try await cloud.snapshots.completeSnapshot(
                caller,
                snapshotID: snapshot.id,
                changedBlocksCount: 1,
                checksum: nil,
                checksumAlgorithm: nil,
                aggregationMethod: nil
            )
        }
        #expect(lateCompletion?.reason == "INVALID_SNAPSHOT_ID")
        try await cloud.applyDueTransitions()
        let afterwards = await refusal { try await put(caller, index: 1) }
        #expect(afterwards?.message.contains("it is error") == true, "\(String(describing: afterwards))")
    }

    @Test("A parent deleted while its child is still uploading: the child completes whole")
    func parentDeletedDuringChildUpload() async throws {
        let (cloud, clock) = try makeTestCloud()
        let caller = testCaller()
        let blocks = [0: textBlock(0), 5: randomBlock()]
        let parent = try await upload(cloud, caller, blocks: blocks)
        let (child, _) = try await cloud.snapshots.startSnapshot(caller, DirectUploadRequest(volumeSize: 1, parentSnapshotID: parent))
        let changed = randomBlock()
        _ = try await cloud.snapshots.putSnapshotBlock(
            caller,
            snapshotID: child.id,
            index: 5,
            data: changed,
            dataLength: Block.size,
            checksum: base64SHA256(changed),
            checksumAlgorithm: "SHA256",
            progress: nil
        )
        try await cloud.snapshots.deleteSnapshot(caller, id: parent)
        _ = try await cloud.snapshots.completeSnapshot(
            caller,
            snapshotID: child.id,
            changedBlocksCount: 1,
            checksum: nil,
            checksumAlgorithm: nil,
            aggregationMethod: nil
        )
        let listing = try await cloud.snapshots.listSnapshotBlocks(caller, snapshotID: child.id, startingIndex: nil, maxResults: nil, nextToken: nil)
        #expect(listing.items.map(\.index) == [0, 5], "the parent's block 0 is still the child's")
        let storage = try await cloud.snapshots.describeSnapshots(caller, ids: [child.id], owners: nil, filters: [], page: .all).snapshots.first?.0
            .storage
        #expect(storage?.changedBlockCount == 2, "with its parent gone, the child is billed for every block")
        for item in listing.items {
            let (data, _) = try await cloud.snapshots.getSnapshotBlock(
                caller,
                snapshotID: child.id,
                index: item.index,
                token: try #require(item.secondToken)
            )
            #expect(data == (item.index == 5 ? changed : blocks[0]))
        }
        clock.advance(by: 2 * 3600)
        let store = try #require(cloud.blocks as? PackedBlockStore)
        _ = try await store.collectGarbage(alsoLive: await cloud.snapshots.blocksOfOpenUploads())
        let relisted = try await cloud.snapshots.listSnapshotBlocks(caller, snapshotID: child.id, startingIndex: nil, maxResults: nil, nextToken: nil)
        let token = try #require(relisted.items.first?.secondToken)
        #expect(
            try await cloud.snapshots.getSnapshotBlock(caller, snapshotID: child.id, index: 0, token: token).data == blocks[0],
            "garbage collection keeps it"
        )
    }

    @Test("Deleting a snapshot bills the snapshots that took blocks from it, as EC2 does")
    func deletionMovesTheBill() async throws {
        let (cloud, _) = try makeTestCloud()
        let caller = testCaller()
        let a = try await upload(cloud, caller, blocks: [0: randomBlock(), 1: randomBlock(), 2: randomBlock()])
        let b = try await upload(cloud, caller, parent: a, blocks: [1: randomBlock()])
        let c = try await upload(cloud, caller, parent: b, blocks: [2: randomBlock()])
        func billed() async throws -> [String: Int64] {
            let report = try await cloud.snapshots.storageReport(caller)
            return Dictionary(uniqueKeysWithValues: report.snapshots.map { ($0.snapshotId, $0.changedBytes / Int64(Block.size)) })
        }
        #expect(try await billed() == [a: 3, b: 1, c: 1])
        try await cloud.snapshots.deleteSnapshot(caller, id: a)
        #expect(try await billed() == [b: 3, c: 1], "b now holds what it took from a")
        try await cloud.snapshots.deleteSnapshot(caller, id: b)
        #expect(try await billed() == [c: 3])
        #expect(try await cloud.snapshots.storageReport(caller).billableBytes == 3 * Int64(Block.size))

        // A snapshot recorded before snapshots listed their children is searched for them.
        let d = try await upload(cloud, caller, parent: c, blocks: [0: randomBlock()])
        try await cloud.store.write { transaction in
            var legacy = try #require(try transaction.fetch(Snapshot.self, id: c))
            legacy.childIDs = nil
            try transaction.save(legacy)
        }
        try await cloud.snapshots.deleteSnapshot(caller, id: c)
        #expect(try await billed() == [d: 3])
    }

    @Test("Garbage collection keeps the blocks of open uploads, and reclaims those of uploads past their timeout")
    func collectionAndOpenUploads() async throws {
        let (cloud, clock) = try makeTestCloud()
        let caller = testCaller()
        let store = try #require(cloud.blocks as? PackedBlockStore)
        func startWithOneBlock(timeoutMinutes: Int) async throws {
            let (snapshot, _) = try await cloud.snapshots.startSnapshot(caller, DirectUploadRequest(volumeSize: 1, timeoutMinutes: timeoutMinutes))
            let block = randomBlock()
            _ = try await cloud.snapshots.putSnapshotBlock(
                caller,
                snapshotID: snapshot.id,
                index: 0,
                data: block,
                dataLength: Block.size,
                checksum: base64SHA256(block),
                checksumAlgorithm: "SHA256",
                progress: nil
            )
        }
        try await startWithOneBlock(timeoutMinutes: 10)
        try await startWithOneBlock(timeoutMinutes: 4320)
        try await store.flush()
        clock.advance(by: 3 * 3600)
        let report = try await store.collectGarbage(alsoLive: await cloud.snapshots.blocksOfOpenUploads())
        #expect(report.blocksRemoved == 1, "the abandoned upload's block goes; the open upload's stays")
        #expect(report.liveBlocks == 1)
    }

    @Test("Describe calls that name their snapshots and volumes find each once, and only those the caller may see")
    func describeByID() async throws {
        let (cloud, _) = try makeTestCloud()
        let caller = testCaller()
        let stranger = testCaller(account: "222222222222")
        let a = try await upload(cloud, caller, blocks: [0: randomBlock()])
        let b = try await upload(cloud, caller, blocks: [0: randomBlock()])
        let theirs = try await upload(cloud, stranger, blocks: [0: randomBlock()])
        let found = try await cloud.snapshots.describeSnapshots(caller, ids: [b, a, b], owners: nil, filters: [], page: .all).snapshots.map(\.0.id)
        #expect(found == [a, b].sorted())
        await #expect(throws: CloudError.self, "another account's private snapshot is not found") {
            _ = try await cloud.snapshots.describeSnapshots(caller, ids: [a, theirs], owners: nil, filters: [], page: .all)
        }
        try await cloud.snapshots.modifySnapshotPermissions(stranger, snapshotID: theirs, add: ["all"], remove: [])
        #expect(
            try await cloud.snapshots.describeSnapshots(caller, ids: [theirs], owners: nil, filters: [], page: .all).snapshots.map(\.0.id) == [theirs]
        )
        let elsewhere = testCaller(region: "us-west-2")
        await #expect(throws: CloudError.self, "a snapshot is found in its own region only") {
            _ = try await cloud.snapshots.describeSnapshots(elsewhere, ids: [a], owners: nil, filters: [], page: .all)
        }
        let (volume, _) = try await cloud.volumes.createVolume(caller, VolumeRequest(availabilityZone: "us-east-1a", size: 1))
        #expect(
            try await cloud.volumes.describeVolumes(caller, ids: [volume.id, volume.id], filters: [], page: .all).volumes.map(\.0.id) == [volume.id]
        )
        await #expect(throws: CloudError.self, "another account's volume is not found") {
            _ = try await cloud.volumes.describeVolumes(stranger, ids: [volume.id], filters: [], page: .all)
        }
    }

    @Test("A client token names one StartSnapshot per account and region, until its snapshot is deleted")
    func clientTokenClaims() async throws {
        let (cloud, _) = try makeTestCloud()
        let caller = testCaller()
        let request = DirectUploadRequest(volumeSize: 1, clientToken: "token-1")
        let (first, _) = try await cloud.snapshots.startSnapshot(caller, request)
        #expect(try await cloud.snapshots.startSnapshot(caller, request).0.id == first.id, "the same call again")
        await #expect(throws: CloudError.self, "the same token with other parameters") {
            _ = try await cloud.snapshots.startSnapshot(caller, DirectUploadRequest(volumeSize: 2, clientToken: "token-1"))
        }
        #expect(try await cloud.snapshots.startSnapshot(testCaller(account: "222222222222"), request).0.id != first.id, "another account's token")
        #expect(try await cloud.snapshots.startSnapshot(testCaller(region: "us-west-2"), request).0.id != first.id, "another region's token")
        try await cloud.snapshots.deleteSnapshot(caller, id: first.id)
        #expect(try await cloud.snapshots.startSnapshot(caller, request).0.id != first.id, "a deleted snapshot frees its token")
    }

    @Test("Zero blocks are told apart from blocks with one byte set anywhere, at any length")
    func zeroDetection() {
        for length in [0, 1, 7, 8, 511, 512, 513, 4096, 4100, Block.size] {
            var bytes = [UInt8](repeating: 0, count: length)
            #expect(Block.isZero(bytes), "\(length) zero bytes")
            for position in Set([0, 1, 7, 8, 255, 511, 512, 513, length / 2, length - 1]) where position >= 0 && position < length {
                bytes[position] = 0x40
                #expect(!Block.isZero(bytes), "\(length) bytes with byte \(position) set")
                bytes[position] = 0
            }
        }
    }

    @Test("XXH3-128 change digests: known answers")
    func changeDigestKnownAnswers() {
        func hex(_ bytes: [UInt8]) -> String { Hex.encode(bytes) }
        #expect(hex(ChangeDigest.of([UInt8]())) == "99aa06d3014798d86001c324468d497f")
        #expect(hex(ChangeDigest.of(Array("kiln".utf8))) == "29e4f6aff37a6f975bfb178850627e51")
        let counting = (0..<Block.size).map { UInt8(truncatingIfNeeded: $0) }
        #expect(hex(ChangeDigest.of(counting)) == "b1c9bb0bc6ed39fbcfba11d0244d88af")
    }

    @Test("Every mapped block keeps its change digest: uploads, incremental children, volume writes and copies")
    func changeDigestsFollowBlocks() async throws {
        let (cloud, _) = try makeTestCloud()
        let caller = testCaller()
        let blocks = [0: textBlock(0), 5: randomBlock()]
        let first = try await upload(cloud, caller, blocks: blocks)
        let changed = randomBlock()
        let second = try await upload(cloud, caller, parent: first, blocks: [5: changed])
        let digests = try await cloud.snapshots.snapshotDigests(caller, id: second).blocks
        #expect(digests.map(\.index) == [0, 5])
        #expect(digests.first { $0.index == 0 }?.changeDigest == ChangeDigest.of(blocks[0]!), "inherited from the parent")
        #expect(digests.first { $0.index == 5 }?.changeDigest == ChangeDigest.of(changed))

        let (volume, _) = try await cloud.volumes.createVolume(caller, VolumeRequest(availabilityZone: "us-east-1a", size: 1, snapshotID: second))
        let written = randomBlock()
        try await cloud.volumes.writeVolume(caller, volumeID: volume.id, offset: 2 * Block.size, data: written)
        let (fromVolume, _) = try await cloud.snapshots.createSnapshot(caller, volumeID: volume.id, description: nil, tags: [])
        let copied = try await cloud.snapshots.copySnapshot(
            caller,
            sourceRegion: "us-east-1",
            sourceSnapshotID: fromVolume.id,
            description: nil,
            encrypted: true,
            kmsKeyID: nil,
            tags: []
        )
        for id in [fromVolume.id, copied] {
            let map = try await cloud.snapshots.snapshotDigests(caller, id: id).blocks
            #expect(map.map(\.index) == [0, 2, 5])
            #expect(map.first { $0.index == 2 }?.changeDigest == ChangeDigest.of(written))
            #expect(map.allSatisfy { $0.changeDigest?.count == ChangeDigest.size })
        }
    }

    @Test("Volumes from snapshots are copy-on-write; a snapshot of a changed volume holds only the change as new")
    func copyOnWriteVolumes() async throws {
        let (cloud, _) = try makeTestCloud()
        let caller = testCaller()
        let base = try await upload(cloud, caller, blocks: [0: textBlock(0), 1: textBlock(1)])
        let (volume, _) = try await cloud.volumes.createVolume(caller, VolumeRequest(availabilityZone: "us-east-1a", size: 2, snapshotID: base))
        #expect(try await cloud.store.read { try $0.blockCount(of: volume.id) } == 0, "nothing is copied at creation")
        let start = Block.size - 3
        try await cloud.volumes.writeVolume(caller, volumeID: volume.id, offset: start, data: Array("abcdef".utf8))
        let read = try await cloud.volumes.readVolume(caller, volumeID: volume.id, offset: start - 2, length: 10)
        #expect(Array(read[2..<8]) == Array("abcdef".utf8))
        #expect(Array(read[0..<2]) == Array(textBlock(0)[(start - 2)..<start]), "bytes around the write come from the snapshot")
        let (snapshot, _) = try await cloud.snapshots.createSnapshot(caller, volumeID: volume.id, description: nil, tags: [])
        #expect(snapshot.parentID == base)
        #expect(snapshot.lineageID == base)
        #expect(snapshot.storage?.changedBlockCount == 2, "the write spanned two blocks")
        #expect(snapshot.storage?.blockCount == 2)
        let diff = try await cloud.snapshots.listChangedBlocks(
            caller,
            firstSnapshotID: base,
            secondSnapshotID: snapshot.id,
            startingIndex: nil,
            maxResults: nil,
            nextToken: nil
        )
        #expect(diff.items.map(\.index) == [0, 1])
        await #expect(throws: CloudError.self, "smaller than its snapshot") {
            _ = try await cloud.volumes.createVolume(caller, VolumeRequest(availabilityZone: "us-east-1a", size: 0, snapshotID: base))
        }
    }

    @Test("CopySnapshot into an encrypted domain re-encodes every block; a second copy moves nothing")
    func copies() async throws {
        let (cloud, _) = try makeTestCloud()
        let caller = testCaller()
        let data = randomBlock()
        let source = try await upload(cloud, caller, blocks: [7: data])
        let encrypted = try await cloud.snapshots.copySnapshot(
            caller,
            sourceRegion: "us-east-1",
            sourceSnapshotID: source,
            description: nil,
            encrypted: true,
            kmsKeyID: nil,
            tags: []
        )
        let again = try await cloud.snapshots.copySnapshot(
            caller,
            sourceRegion: "us-east-1",
            sourceSnapshotID: source,
            description: nil,
            encrypted: true,
            kmsKeyID: nil,
            tags: []
        )
        let copies = try await cloud.snapshots.describeSnapshots(caller, ids: [encrypted, again], owners: nil, filters: [], page: .all).snapshots.map(
            \.0
        )
        #expect(copies.allSatisfy { $0.encrypted && $0.kmsKeyID != nil })
        #expect(copies.first { $0.id == encrypted }?.storage?.changedBlockCount == 1)
        #expect(copies.first { $0.id == again }?.storage?.changedBlockCount == 0, "the destination domain already holds the block")
        let token = try #require(
            try await cloud.snapshots.listSnapshotBlocks(caller, snapshotID: encrypted, startingIndex: nil, maxResults: nil, nextToken: nil).items
                .first?.secondToken
        )
        #expect(try await cloud.snapshots.getSnapshotBlock(caller, snapshotID: encrypted, index: 7, token: token).data == data)
        let west = try await cloud.snapshots.copySnapshot(
            testCaller(region: "eu-west-1"),
            sourceRegion: "us-east-1",
            sourceSnapshotID: source,
            description: nil,
            encrypted: nil,
            kmsKeyID: nil,
            tags: []
        )
        let westCopy = try await cloud.snapshots.describeSnapshots(testCaller(region: "eu-west-1"), ids: [west], owners: nil, filters: [], page: .all)
            .snapshots.first?.0
        #expect(westCopy?.storage?.changedBlockCount == 1, "another region is another store: the block moves")
    }
}
