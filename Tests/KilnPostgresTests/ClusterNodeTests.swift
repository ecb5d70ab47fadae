import Foundation
import KilnCore
import KilnPostgres
import Testing

@testable import KilnTestSupport

/// What one node starts, another finishes: uploads and block tokens work on whichever node
/// receives the next request.
@Suite(
    "Requests alternating between two nodes",
    .serialized,
    .timeLimit(.minutes(3)),
    .enabled(if: ScratchPostgres.unavailable == nil, "PostgreSQL 15 is not installed (scripts/install-deps.sh test installs postgresql-15)")
)
struct ClusterNodeTests {
    @Test("An upload started on one node takes blocks on both, completes on the other, and reads back on either with either's tokens")
    func uploadAcrossNodes() async throws {
        let nodes = try await TwoNodes.make()
        defer { nodes.close() }
        let caller = testCaller()
        let clouds = [nodes.first, nodes.second]
        let (snapshot, _) = try await nodes.first.snapshots.startSnapshot(caller, DirectUploadRequest(volumeSize: 1))
        var written: [Int: [UInt8]] = [:]
        for index in 0..<6 {
            let data = index == 3 ? [UInt8](repeating: 0, count: Block.size) : textBlock(index + 10)
            written[index] = data
            _ = try await clouds[index % 2].snapshots.putSnapshotBlock(
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
        let state = try await nodes.second.snapshots.completeSnapshot(
            caller,
            snapshotID: snapshot.id,
            changedBlocksCount: 6,
            checksum: nil,
            checksumAlgorithm: nil,
            aggregationMethod: nil
        )
        #expect(state == .completed)
        let listing = try await nodes.first.snapshots.listSnapshotBlocks(
            caller,
            snapshotID: snapshot.id,
            startingIndex: nil,
            maxResults: nil,
            nextToken: nil
        )
        #expect(listing.items.map(\.index) == [0, 1, 2, 4, 5], "the zero block is not listed")
        for item in listing.items {
            let token = try #require(item.secondToken ?? item.firstToken)
            let (data, _) = try await clouds[(item.index + 1) % 2].snapshots.getSnapshotBlock(
                caller,
                snapshotID: snapshot.id,
                index: item.index,
                token: token
            )
            #expect(data == written[item.index], "block \(item.index) read on the other node")
        }
        #expect(
            try await nodes.second.store.read { try $0.blockCount(of: UploadSessions.mapOwner(of: snapshot.id)) } == 0,
            "the upload's map is gone"
        )
    }
}
