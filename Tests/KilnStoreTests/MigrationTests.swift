import Foundation
import GRDB
import KilnCore
import Testing

@testable import KilnStore
@testable import KilnTestSupport

/// The store's schema history.
@Suite("Store migrations", .timeLimit(.minutes(2)))
struct MigrationTests {
    @Test("Grants kept by snapshots recorded before the grant index are indexed by the migration")
    func grantsMigrate() async throws {
        let queue = try DatabaseQueue()
        try SQLiteMetadataStore.migrator.migrate(queue, upTo: "v4: change digests in block maps")
        var snapshot = Snapshot(
            id: "snap-0123456789abcdef0",
            owner: AccountID("222222222222") ?? .defaultAccount,
            region: "us-east-1",
            volumeID: "vol-ffffffff",
            volumeSize: 1,
            state: .completed,
            progress: 100,
            startTime: Date(timeIntervalSince1970: 0),
            description: "",
            encrypted: false,
            kmsKeyID: nil,
            parentID: nil,
            lineageID: "snap-0123456789abcdef0"
        )
        snapshot.createVolumePermissions = ["111111111111"]
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        let body = try encoder.encode(snapshot)
        let id = snapshot.id
        try await queue.write { db in
            try db.execute(
                sql: "INSERT INTO resource (id, kind, owner, region, body) VALUES (?, 'snap', '222222222222', 'us-east-1', ?)",
                arguments: [id, body]
            )
        }
        try SQLiteMetadataStore.migrator.migrate(queue)
        let grantees = try await queue.read { db in
            try String.fetchAll(db, sql: "SELECT grantee FROM resource_grant WHERE resource_id = ?", arguments: [id])
        }
        #expect(grantees == ["111111111111"])
    }

    @Test("Images saved before the image orders get their creation dates, to the fraction of a second")
    func imageOrdersMigrate() async throws {
        let queue = try DatabaseQueue()
        try SQLiteMetadataStore.migrator.migrate(queue, upTo: "v6: tag pages")
        let images = ImageOrderChecks.images(region: "us-east-1")
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = .sortedKeys
        let rows = try images.map { ($0.storageKey, $0.name, $0.owner.rawValue, $0.state.rawValue, $0.isPublic, try encoder.encode($0)) }
        try await queue.write { db in
            for (id, name, owner, state, isPublic, body) in rows {
                try db.execute(
                    sql: "INSERT INTO image (id, region, owner, name, state, is_public, body) VALUES (?, 'us-east-1', ?, ?, ?, ?, ?)",
                    arguments: [id, owner, name, state, isPublic, body]
                )
            }
        }
        try SQLiteMetadataStore.migrator.migrate(queue)
        let dates = try await queue.read { db in
            try Row.fetchAll(db, sql: "SELECT id, creation_date FROM image").reduce(into: [String: Double]()) { $0[$1["id"]] = $1["creation_date"] }
        }
        #expect(dates.count == images.count)
        for image in images {
            #expect(dates[image.storageKey] == image.creationDate.timeIntervalSince1970, "\(image.id)")
        }
    }
}
