import Foundation
import KilnCore
import KilnStore
import Testing

@testable import KilnTestSupport

@Suite("Metadata store on a file", .timeLimit(.minutes(2)))
struct MetadataStoreTests {
    /// A store on a new database file, removed when `body` ends.
    func withFileStore(_ body: (SQLiteMetadataStore) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try await body(try SQLiteMetadataStore(path: folder.appendingPathComponent("kiln.sqlite").path))
    }

    @Test("Reads on the read connections see every commit, both with and without a transaction")
    func readsSeeCommits() async throws {
        try await withFileStore { store in
            let account = AccountID("111111111111") ?? .defaultAccount
            for round in 0..<20 {
                let key = "k\(round)"
                try await store.write {
                    try $0.putTag(Tag(key: key, value: "v"), on: "ami-1", resourceType: "image", by: account, region: "us-east-1")
                }
                let isolated = try await store.read { try $0.tags(on: "ami-1", by: account).map(\.key) }
                let committed = try await store.readCommitted { try $0.tags(on: "ami-1", by: account).map(\.key) }
                #expect(isolated.contains(key))
                #expect(committed.count == round + 1)
            }
        }
    }

    @Test("Pages of an account's tags in a region follow resource id then key, each after the last one's position")
    func tagPages() async throws {
        try await withFileStore { store in
            let account = AccountID("111111111111") ?? .defaultAccount
            let other = AccountID("222222222222") ?? .defaultAccount
            try await store.write { transaction in
                for (resource, key) in [("vol-2", "b"), ("vol-1", "z"), ("vol-2", "a"), ("vol-1", "a"), ("vol-3", "m")] {
                    try transaction.putTag(Tag(key: key, value: "v"), on: resource, resourceType: "volume", by: account, region: "us-east-1")
                }
                try transaction.putTag(Tag(key: "a", value: "v"), on: "vol-1", resourceType: "volume", by: other, region: "us-east-1")
                try transaction.putTag(Tag(key: "a", value: "v"), on: "vol-1", resourceType: "volume", by: account, region: "eu-west-1")
            }
            var seen: [String] = []
            var position: TagPosition?
            while true {
                let page = try await store.read { [position] in try $0.tags(by: account, region: "us-east-1", after: position, limit: 2) }
                seen += page.map { "\($0.resourceID)/\($0.tag.key)" }
                guard page.count == 2, let last = page.last else { break }
                position = TagPosition(resourceID: last.resourceID, key: last.tag.key)
            }
            #expect(seen == ["vol-1/a", "vol-1/z", "vol-2/a", "vol-2/b", "vol-3/m"])
            #expect(TagPosition(encoded: TagPosition(resourceID: "ami-1@us-east-1", key: "a\nb").encoded)?.key == "a\nb")
        }
    }

    @Test("Images by name, creation date and id, either way, page after page from each page's last position")
    func imageOrders() async throws {
        try await withFileStore { store in
            try await ImageOrderChecks.run(on: store)
        }
    }

    @Test("Many reads at once, while writes go on, all answer")
    func concurrentReads() async throws {
        try await withFileStore { store in
            let account = AccountID("111111111111") ?? .defaultAccount
            try await store.write {
                try $0.putTag(Tag(key: "base", value: "v"), on: "ami-1", resourceType: "image", by: account, region: "us-east-1")
            }
            let counts = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<64 {
                    group.addTask {
                        if index % 8 == 0 {
                            try await store.write {
                                try $0.putTag(Tag(key: "w\(index)", value: "v"), on: "ami-2", resourceType: "image", by: account, region: "us-east-1")
                            }
                        }
                        return try await store.read { try $0.tags(on: "ami-1", by: account).count }
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(counts.count == 64)
            #expect(counts.allSatisfy { $0 == 1 })
            let written = try await store.readCommitted { try $0.tags(on: "ami-2", by: account).count }
            #expect(written == 8)
        }
    }
}
