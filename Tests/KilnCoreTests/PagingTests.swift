import Foundation
import KilnCore
import Testing

@testable import KilnTestSupport

/// Describe calls that page in the store: what a caller may see, in id order, each once.
@Suite("Paging in the store", .timeLimit(.minutes(2)))
struct PagingTests {
    @Test("DescribeSnapshots pages through own, shared and public snapshots in id order, each once")
    func snapshotPages() async throws {
        let (cloud, _) = try makeTestCloud()
        let owner = testCaller()
        let other = testCaller(account: "222222222222")
        var own: [String] = []
        for _ in 0..<7 { own.append(try await completedSnapshot(cloud, owner)) }
        var theirs: [String] = []
        for _ in 0..<4 { theirs.append(try await completedSnapshot(cloud, other)) }
        try await cloud.snapshots.modifySnapshotPermissions(other, snapshotID: theirs[0], add: ["111111111111"], remove: [])
        try await cloud.snapshots.modifySnapshotPermissions(other, snapshotID: theirs[1], add: ["all"], remove: [])
        try await cloud.snapshots.modifySnapshotPermissions(other, snapshotID: theirs[2], add: ["111111111111", "all"], remove: [])
        let scope = cloud.context.pageScope("DescribeSnapshots", caller: owner, parameters: [])
        var seen: [String] = []
        var token: String?
        var pages = 0
        repeat {
            let page = try PageRequest(maxResults: 5, nextToken: token, allowed: 5...1000, scope: scope)
            let (snapshots, next) = try await cloud.snapshots.describeSnapshots(owner, ids: nil, owners: nil, filters: [], page: page)
            #expect(snapshots.count <= 5)
            seen += snapshots.map(\.0.id)
            token = next
            pages += 1
        } while token != nil
        #expect(seen == (own + theirs[0...2]).sorted(), "own, shared and public, in id order, each once; the unshared one hidden")
        #expect(pages == 3, "two full pages, then an empty one: a full page cannot know that nothing follows")
        let ownOnly = try await cloud.snapshots.describeSnapshots(owner, ids: nil, owners: ["self"], filters: [], page: .everything())
        #expect(ownOnly.snapshots.map(\.0.id) == own.sorted())
        try await cloud.snapshots.modifySnapshotPermissions(other, snapshotID: theirs[1], add: [], remove: ["all"])
        let afterRevoke = try await cloud.snapshots.describeSnapshots(owner, ids: nil, owners: nil, filters: [], page: .everything())
        #expect(!afterRevoke.snapshots.map(\.0.id).contains(theirs[1]), "a revoked grant leaves the index")
    }
}
