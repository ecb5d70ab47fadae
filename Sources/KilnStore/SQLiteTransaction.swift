import Foundation
import GRDB
import KilnCore

/// One transaction of ``SQLiteMetadataStore``: the ``MetadataTransaction`` operations in SQL.
final class SQLiteTransaction: MetadataTransaction {
    private let db: Database

    init(db: Database) {
        self.db = db
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()

    // MARK: Resources

    func fetch<Resource: StoredResource>(_ type: Resource.Type, id: String) throws -> Resource? {
        let body = try Data.fetchOne(db, sql: "SELECT body FROM resource WHERE id = ? AND kind = ?", arguments: [id, Resource.kind.rawValue])
        return try body.map { try Self.decoder.decode(Resource.self, from: $0) }
    }

    func fetchAll<Resource: StoredResource>(_ type: Resource.Type, region: RegionName, owner: AccountID?) throws -> [Resource] {
        let bodies: [Data]
        if let owner {
            bodies = try Data.fetchAll(
                db,
                sql: "SELECT body FROM resource WHERE kind = ? AND region = ? AND owner = ? ORDER BY id",
                arguments: [Resource.kind.rawValue, region.rawValue, owner.rawValue]
            )
        } else {
            bodies = try Data.fetchAll(
                db,
                sql: "SELECT body FROM resource WHERE kind = ? AND region = ? ORDER BY id",
                arguments: [Resource.kind.rawValue, region.rawValue]
            )
        }
        return try bodies.map { try Self.decoder.decode(Resource.self, from: $0) }
    }

    func save<Resource: StoredResource>(_ resource: Resource) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO resource (id, kind, owner, region, body) VALUES (?, ?, ?, ?, ?)",
            arguments: [resource.id, Resource.kind.rawValue, resource.owner.rawValue, resource.region.rawValue, try Self.encoder.encode(resource)]
        )
    }

    func delete<Resource: StoredResource>(_ type: Resource.Type, id: String) throws {
        try db.execute(sql: "DELETE FROM resource WHERE id = ? AND kind = ?", arguments: [id, Resource.kind.rawValue])
        try db.execute(sql: "DELETE FROM tag WHERE resource_id = ?", arguments: [id])
    }

    // MARK: Tags

    func tags(on resourceID: String, by account: AccountID) throws -> [Tag] {
        try Row.fetchAll(
            db,
            sql: "SELECT key, value FROM tag WHERE resource_id = ? AND account = ? ORDER BY key",
            arguments: [resourceID, account.rawValue]
        ).map { Tag(key: $0["key"], value: $0["value"]) }
    }

    func allTags(by account: AccountID, region: RegionName) throws -> [ResourceTag] {
        try Row.fetchAll(
            db,
            sql: "SELECT resource_id, resource_type, key, value FROM tag WHERE account = ? AND region = ? ORDER BY resource_id, key",
            arguments: [account.rawValue, region.rawValue]
        ).map { ResourceTag(resourceID: $0["resource_id"], resourceType: $0["resource_type"], tag: Tag(key: $0["key"], value: $0["value"])) }
    }

    func putTag(_ tag: Tag, on resourceID: String, resourceType: String, by account: AccountID, region: RegionName) throws {
        try db.execute(
            sql: """
                INSERT INTO tag (resource_id, account, key, value, resource_type, region) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (resource_id, account, key) DO UPDATE SET value = excluded.value
                """,
            arguments: [resourceID, account.rawValue, tag.key, tag.value, resourceType, region.rawValue]
        )
    }

    func removeTag(key: String, from resourceID: String, by account: AccountID) throws {
        try db.execute(
            sql: "DELETE FROM tag WHERE resource_id = ? AND account = ? AND key = ?",
            arguments: [resourceID, account.rawValue, key]
        )
    }

    // MARK: Scheduled transitions

    func insert(_ transition: ScheduledTransition) throws {
        try db.execute(
            sql: "INSERT INTO scheduled_transition (kind, resource_id, due) VALUES (?, ?, ?)",
            arguments: [transition.kind.rawValue, transition.resourceID, transition.due.timeIntervalSince1970]
        )
    }

    func transitions(dueBy date: Date) throws -> [ScheduledTransition] {
        try Row.fetchAll(
            db,
            sql: "SELECT kind, resource_id, due FROM scheduled_transition WHERE due <= ? ORDER BY due, id",
            arguments: [date.timeIntervalSince1970]
        ).map(Self.transition)
    }

    func nextTransitionDue() throws -> Date? {
        try Double.fetchOne(db, sql: "SELECT MIN(due) FROM scheduled_transition").map(Date.init(timeIntervalSince1970:))
    }

    func removeTransition(_ transition: ScheduledTransition) throws {
        try db.execute(
            sql: "DELETE FROM scheduled_transition WHERE kind = ? AND resource_id = ? AND due = ?",
            arguments: [transition.kind.rawValue, transition.resourceID, transition.due.timeIntervalSince1970]
        )
    }

    private static func transition(_ row: Row) -> ScheduledTransition {
        ScheduledTransition(
            kind: .init(rawValue: row["kind"]),
            resourceID: row["resource_id"],
            due: Date(timeIntervalSince1970: row["due"])
        )
    }

    // MARK: Whole store

    func eraseEverything() throws {
        for table in ["resource", "tag", "scheduled_transition"] {
            try db.execute(sql: "DELETE FROM \(table)")
        }
    }
}
