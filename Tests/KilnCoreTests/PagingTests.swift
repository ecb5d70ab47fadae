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

    @Test("DescribeInstances pages instances in id order, each once; a page's reservations come in launch order")
    func instancePages() async throws {
        let (cloud, clock) = try makeTestCloud()
        let owner = testCaller()
        let (imageID, _) = try await InstanceTests().image(cloud, owner)
        var data = LaunchTemplateData()
        data.imageID = imageID
        data.instanceType = "t3.micro"
        var launched: [Reservation] = []
        for count in [4, 3, 5] {
            launched.append(try await cloud.instances.runInstances(owner, LaunchRequest(data: data, minCount: count, maxCount: count)))
            clock.advance(by: 60)
        }
        let gone = launched[1].instances[0].id
        _ = try await cloud.instances.terminateInstances(owner, ids: [gone])
        clock.advance(by: 2 * 3600)
        let visible = launched.flatMap { $0.instances.map(\.id) }.filter { $0 != gone }
        let scope = cloud.context.pageScope("DescribeInstances", caller: owner, parameters: [])
        var seen: [String] = []
        var token: String?
        var pages = 0
        repeat {
            let page = try PageRequest(maxResults: 5, nextToken: token, allowed: 5...1000, scope: scope)
            let (reservations, next) = try await cloud.instances.describeInstances(owner, ids: nil, filters: [], page: page)
            let instances = reservations.flatMap(\.instances)
            #expect(instances.count <= 5)
            #expect(Set(reservations.map(\.id)).count == reservations.count, "a reservation once a page")
            #expect(reservations.map { $0.instances[0].launchTime } == reservations.map { $0.instances[0].launchTime }.sorted())
            #expect(reservations.allSatisfy { $0.instances.map(\.launchIndex) == $0.instances.map(\.launchIndex).sorted() })
            seen += instances.map(\.id).sorted()
            token = next
            pages += 1
        } while token != nil
        #expect(seen == visible.sorted(), "in id order, each once; the long-terminated one hidden")
        #expect(pages == 3)
        let whole = try await cloud.instances.describeInstances(owner, ids: nil, filters: [], page: .everything())
        #expect(whole.reservations.map(\.id) == launched.map(\.id), "unpaged, the reservations in launch order")
        #expect(whole.reservations.map(\.instances.count) == [4, 2, 5])
        await #expect(throws: CloudError.self) {
            try await cloud.instances.describeInstances(owner, ids: [gone], filters: [], page: .everything())
        }
    }
}
