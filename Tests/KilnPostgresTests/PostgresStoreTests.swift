import Foundation
import KilnBlocks
import KilnCore
import PostgresNIO
import Testing

@testable import KilnPostgres
@testable import KilnTestSupport

@Suite(
    "Metadata store on PostgreSQL",
    .serialized,
    .timeLimit(.minutes(3)),
    .enabled(if: ScratchPostgres.unavailable == nil, "PostgreSQL 15 is not installed (scripts/install-deps.sh test installs postgresql-15)")
)
struct PostgresStoreTests {
    @Test("The schema history matches SQLite's, and a second node starting on it migrates nothing")
    func migrations() async throws {
        let url = try ScratchPostgres.freshDatabase()
        let first = try await PostgresMetadataStore.connect(url)
        let second = try await PostgresMetadataStore.connect(url)
        defer {
            first.close()
            second.close()
        }
        let applied = try await second.appliedMigrations()
        #expect(applied.first == "v1: resources, tags, transitions")
        #expect(applied.contains("v5: resource pages and grants"))
        #expect(applied.contains("v6: tag pages"))
        #expect(applied.contains("v7: image orders"))
        #expect(applied.contains("v8: console sessions"))
        #expect(applied.count == 9)
    }

    @Test("Images by id, by name pattern, by owner and in pages, with tags and block maps")
    func imagesTagsAndMaps() async throws {
        let nodes = try await TwoNodes.make()
        defer { nodes.close() }
        let caller = testCaller()
        var registered: [String] = []
        for name in ["web-1", "web-2", "db_1", "web(3)"] {
            registered.append(try await registerTestImage(nodes.first, caller, name: name))
        }
        let ids = registered
        try await nodes.first.tags.createTags(caller, resourceIDs: [ids[0]], tags: [Tag(key: "role", value: "web")])
        let store = nodes.second.store
        func names(_ patterns: [String]) async throws -> [String] {
            var query = ImageQuery(region: caller.region, viewer: Viewer(account: caller.account))
            query.namePatterns = patterns
            let named = query
            return try await store.read { try $0.images(named) }.map(\.name).sorted()
        }
        #expect(try await names(["web-*"]) == ["web-1", "web-2"])
        #expect(try await names(["db?1"]) == ["db_1"])
        #expect(try await names(["db\\_1"]) == ["db_1"], "a backslash before another character keeps that character")
        #expect(try await names(["db_?"]) == ["db_1"], "_ is literal in EC2 patterns")
        #expect(try await names(["web\\*"]) == [], "an escaped * is literal")
        #expect(try await names(["web%"]).isEmpty, "% is literal in EC2 patterns")
        #expect(try await names(["web(*"]) == ["web(3)"])
        #expect(try await names(["*1"]) == ["db_1", "web-1"])
        var query = ImageQuery(region: caller.region, viewer: nil)
        query.ids = [ids[1], "ami-00000000000000000"]
        let byID = query
        #expect(try await store.read { try $0.images(byID) }.map(\.id) == [ids[1]])
        var page = ImageQuery(region: caller.region, viewer: nil)
        page.limit = 2
        let first = page
        let firstPage = try await store.read { try $0.images(first) }.map(\.id)
        page.after = firstPage.last.map { ImagePosition(after: $0) }
        let second = page
        let secondPage = try await store.read { try $0.images(second) }.map(\.id)
        #expect(firstPage + secondPage == ids.sorted(), "pages in byte order of ids")
        let tags = try await store.read { try $0.tags(on: ids, by: caller.account) }
        #expect(tags[ids[0]] == [Tag(key: "role", value: "web")])
        let image = try #require(try await store.read { try $0.image(ids[0]) })
        let snapshot = try #require(image.snapshotIDs.first)
        #expect(try await store.read { try $0.imagesUsing(snapshotID: snapshot) } == [ids[0]])
        let map = try await store.read { try $0.blockMap(of: snapshot, from: 0, limit: nil) }
        #expect(map.count == 1)
        #expect(try await store.read { try $0.blockEntry(of: snapshot, at: 0) } == map.first)
    }

    @Test("A read runs as a statement its connection prepared once, with a generic plan; a write's statements go unprepared")
    func preparedReads() async throws {
        let store = try await PostgresMetadataStore.connect(try ScratchPostgres.freshDatabase(), connections: 2)
        defer { store.close() }
        let account = testCaller().account
        var query = ImageQuery(region: "us-east-1", viewer: Viewer(account: account))
        query.ids = ["ami-0123456789abcdef0"]
        let byID = query
        for _ in 0..<3 {
            #expect(try await store.read { try $0.images(byID) }.isEmpty)
        }
        let prepared: PreparedStatementsProbe = { transaction in
            let transaction = try #require(transaction as? PostgresTransaction)
            return try transaction.rows(
                "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements WHERE name LIKE 'kiln\\_%'"
            ).map { try $0.decode((String, Int, Int).self) }
        }
        // Each pool has one connection: the reading one answers for what it prepared.
        let images = try await store.read(prepared).filter { $0.0.contains("FROM image") }
        #expect(images.count == 1)
        #expect(images.first?.1 == 3, "planned once, generically, and run three times")
        #expect(images.first?.2 == 0)
        let written = try await store.write { transaction in
            _ = try transaction.images(byID)
            try transaction.putTag(Tag(key: "k", value: "v"), on: "ami-1", resourceType: "image", by: account, region: "us-east-1")
            return try prepared(transaction)
        }
        #expect(written.isEmpty, "a write's statements are planned for their values")
    }

    @Test("Images by name, creation date and id, either way, page after page from each page's last position")
    func imageOrders() async throws {
        let store = try await PostgresMetadataStore.connect(try ScratchPostgres.freshDatabase())
        defer { store.close() }
        try await ImageOrderChecks.run(on: store)
    }

    @Test("Images saved before the image orders get their creation dates from their documents, exactly")
    func imageOrdersMigrate() async throws {
        let url = try ScratchPostgres.freshDatabase()
        let store = try await PostgresMetadataStore.connect(url)
        defer { store.close() }
        let images = ImageOrderChecks.images(region: "us-east-1")
        try await store.write { transaction in
            for image in images { try transaction.saveImage(image) }
        }
        // As the migration found them: no column yet, so zero; then the migration's statement.
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-backfill-\(UUID().uuidString).sql")
        try Data("UPDATE image SET creation_date = 0;\n\(PostgresSchema.creationDateBackfill);\n".utf8).write(to: script)
        defer { try? FileManager.default.removeItem(at: script) }
        try ScratchPostgres.run("/usr/bin/psql", [url, "-q", "-v", "ON_ERROR_STOP=1", "-f", script.path])
        let listed = try ScratchPostgres.run("/usr/bin/psql", [url, "-At", "-F", ",", "-c", "SELECT id, creation_date FROM image"])
        var dates: [String: Double] = [:]
        for line in listed.split(separator: "\n") {
            let fields = line.split(separator: ",")
            if fields.count == 2 { dates[String(fields[0])] = Double(fields[1]) }
        }
        for image in images {
            #expect(dates[image.storageKey] == image.creationDate.timeIntervalSince1970, "\(image.id)")
        }
        let order = ImageOrder(.creationDate)
        try await ImageOrderChecks.expectPages(
            {
                var query = ImageQuery(region: "us-east-1", viewer: nil); query.order = order; return query
            }(),
            on: store,
            equal: images.filter { $0.state != .deregistered }
        )
    }

    @Test("A body that throws leaves nothing; a conflict runs the body again")
    func rollbackAndRetry() async throws {
        let nodes = try await TwoNodes.make()
        defer { nodes.close() }
        let account = testCaller().account
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await nodes.first.store.write { transaction in
                try transaction.putTag(Tag(key: "k", value: "v"), on: "ami-1", resourceType: "image", by: account, region: "us-east-1")
                throw Refused()
            }
        }
        #expect(try await nodes.second.store.read { try $0.tags(on: "ami-1", by: account) }.isEmpty)
        // Forty increments of one counter, from both nodes at once: none is lost.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<40 {
                let store = index.isMultiple(of: 2) ? nodes.first.store : nodes.second.store
                group.addTask {
                    try await store.write { transaction in
                        let current = try transaction.tags(on: "counter", by: account).first.flatMap { Int($0.value) } ?? 0
                        try transaction.putTag(
                            Tag(key: "n", value: "\(current + 1)"),
                            on: "counter",
                            resourceType: "x",
                            by: account,
                            region: "us-east-1"
                        )
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await nodes.first.store.read { try $0.tags(on: "counter", by: account) } == [Tag(key: "n", value: "40")])
    }
}

/// Reads the prepared statements of the connection a transaction runs on.
private typealias PreparedStatementsProbe = @Sendable (any MetadataTransaction) throws -> [(String, Int, Int)]
