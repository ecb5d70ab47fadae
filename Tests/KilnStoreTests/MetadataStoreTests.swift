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
