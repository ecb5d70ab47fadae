import Foundation
import GRDB
import KilnCore

/// One transaction of ``SQLiteMetadataStore``: the ``MetadataTransaction`` operations in SQL.
final class SQLiteTransaction: MetadataTransaction {
    let db: Database

    init(db: Database) {
        self.db = db
    }

    private static let encoder = StoredJSON.encoder
    private static let decoder = StoredJSON.decoder

    // MARK: Resources

    func fetch<Resource: StoredResource>(_ type: Resource.Type, id: String) throws -> Resource? {
        let body = try Data.fetchOne(
            db.cachedStatement(sql: "SELECT body FROM resource WHERE id = ? AND kind = ?"),
            arguments: [id, Resource.kind.rawValue]
        )
        return try body.map(Self.decodeResource)
    }

    /// Decoded resources (volumes, snapshots, instances…), keyed by the bytes they were decoded
    /// from, like ``decodedImages``: every block written to a volume or uploaded to a snapshot
    /// looks its volume or snapshot up, and decoding it cost more than the rest of the lookup.
    private static let decodedResources = DecodeCache<any StoredResource>(capacity: 20_000)

    static func decodeResource<Resource: StoredResource>(_ body: Data) throws -> Resource {
        if let resource = decodedResources.value(for: body) as? Resource { return resource }
        let resource = try decoder.decode(Resource.self, from: body)
        decodedResources.store(resource, for: body)
        return resource
    }

    func fetchAll<Resource: StoredResource>(_ type: Resource.Type, region: RegionName, owner: AccountID?) throws -> [Resource] {
        let bodies: [Data]
        if let owner {
            bodies = try Data.fetchAll(
                db.cachedStatement(sql: "SELECT body FROM resource WHERE kind = ? AND region = ? AND owner = ? ORDER BY id"),
                arguments: [Resource.kind.rawValue, region.rawValue, owner.rawValue]
            )
        } else {
            bodies = try Data.fetchAll(
                db.cachedStatement(sql: "SELECT body FROM resource WHERE kind = ? AND region = ? ORDER BY id"),
                arguments: [Resource.kind.rawValue, region.rawValue]
            )
        }
        return try bodies.map(Self.decodeResource)
    }

    func save<Resource: StoredResource>(_ resource: Resource) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO resource (id, kind, owner, region, body) VALUES (?, ?, ?, ?, ?)",
            arguments: [resource.id, Resource.kind.rawValue, resource.owner.rawValue, resource.region.rawValue, try Self.encoder.encode(resource)]
        )
        if let granted = resource as? any GrantedResource {
            try saveGrants(of: granted)
        }
    }

    func delete<Resource: StoredResource>(_ type: Resource.Type, id: String) throws {
        try db.execute(sql: "DELETE FROM resource WHERE id = ? AND kind = ?", arguments: [id, Resource.kind.rawValue])
        try db.execute(sql: "DELETE FROM tag WHERE resource_id = ?", arguments: [id])
        if Resource.self is any GrantedResource.Type {
            try db.execute(sql: "DELETE FROM resource_grant WHERE resource_id = ?", arguments: [id])
        }
    }

    /// Replaces the indexed grants of a resource with those it declares.
    private func saveGrants(of resource: some GrantedResource) throws {
        try db.execute(sql: "DELETE FROM resource_grant WHERE resource_id = ?", arguments: [resource.id])
        let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO resource_grant (resource_id, kind, region, grantee) VALUES (?, ?, ?, ?)")
        for grantee in resource.grantees {
            try insert.execute(arguments: [resource.id, type(of: resource).kind.rawValue, resource.region.rawValue, grantee])
        }
    }

    func page<Resource: StoredResource>(_ type: Resource.Type, region: RegionName, owner: AccountID, after startAfter: String?, limit: Int) throws
        -> [Resource]
    {
        let bodies = try Data.fetchAll(
            db.cachedStatement(sql: "SELECT body FROM resource WHERE kind = ? AND region = ? AND owner = ? AND id > ? ORDER BY id LIMIT ?"),
            arguments: [Resource.kind.rawValue, region.rawValue, owner.rawValue, startAfter ?? "", limit]
        )
        return try bodies.map(Self.decodeResource)
    }

    /// The union of three ordered index walks, each bounded by the page size: the account's
    /// own resources, those granted to it, and those granted to all.
    func page<Resource: GrantedResource>(
        _ type: Resource.Type,
        region: RegionName,
        visibleTo account: AccountID,
        after startAfter: String?,
        limit: Int
    )
        throws -> [Resource]
    {
        let kind = Resource.kind.rawValue
        let after = startAfter ?? ""
        let bodies = try Data.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT body FROM resource WHERE id IN (
                        SELECT id FROM (
                            SELECT id FROM resource WHERE kind = ? AND region = ? AND owner = ? AND id > ? ORDER BY id LIMIT ?)
                        UNION
                        SELECT id FROM (
                            SELECT resource_id AS id FROM resource_grant
                            WHERE kind = ? AND region = ? AND grantee = ? AND resource_id > ? ORDER BY resource_id LIMIT ?)
                        UNION
                        SELECT id FROM (
                            SELECT resource_id AS id FROM resource_grant
                            WHERE kind = ? AND region = ? AND grantee = 'all' AND resource_id > ? ORDER BY resource_id LIMIT ?)
                    ) ORDER BY id LIMIT ?
                    """
            ),
            arguments: [
                kind, region.rawValue, account.rawValue, after, limit,
                kind, region.rawValue, account.rawValue, after, limit,
                kind, region.rawValue, after, limit,
                limit,
            ]
        )
        return try bodies.map(Self.decodeResource)
    }

    // MARK: Tags

    func tags(on resourceID: String, by account: AccountID) throws -> [Tag] {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT key, value FROM tag WHERE resource_id = ? AND account = ? ORDER BY key"),
            arguments: [resourceID, account.rawValue]
        ).map { Tag(key: $0["key"], value: $0["value"]) }
    }

    func tags(on resourceIDs: [String], by account: AccountID) throws -> [String: [Tag]] {
        var result: [String: [Tag]] = [:]
        // SQLite takes at most 32,766 parameters; pages of images are far smaller.
        for chunk in stride(from: 0, to: resourceIDs.count, by: 10_000).map({ Array(resourceIDs[$0..<min($0 + 10_000, resourceIDs.count)]) }) {
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql:
                        "SELECT resource_id, key, value FROM tag WHERE account = ? AND resource_id IN (\(Self.placeholders(chunk.count))) ORDER BY resource_id, key"
                ),
                // Existential values: GRDB's initializer for a sequence of one concrete type
                // builds a key path at run time on every call.
                arguments: StatementArguments(([account.rawValue] + chunk) as [(any DatabaseValueConvertible)?])
            )
            for row in rows {
                result[row["resource_id"], default: []].append(Tag(key: row["key"], value: row["value"]))
            }
        }
        return result
    }

    func tags(by account: AccountID, region: RegionName, after position: TagPosition?, limit: Int) throws -> [ResourceTag] {
        let rows: [Row]
        if let position {
            rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT resource_id, resource_type, key, value FROM tag
                        WHERE account = ? AND region = ? AND (resource_id > ? OR (resource_id = ? AND key > ?))
                        ORDER BY resource_id, key LIMIT ?
                        """
                ),
                arguments: [account.rawValue, region.rawValue, position.resourceID, position.resourceID, position.key, limit]
            )
        } else {
            rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT resource_id, resource_type, key, value FROM tag WHERE account = ? AND region = ? ORDER BY resource_id, key LIMIT ?"
                ),
                arguments: [account.rawValue, region.rawValue, limit]
            )
        }
        return rows.map {
            ResourceTag(resourceID: $0["resource_id"], resourceType: $0["resource_type"], tag: Tag(key: $0["key"], value: $0["value"]))
        }
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

    // MARK: Images

    func image(_ id: String) throws -> Image? {
        try Data.fetchOne(db.cachedStatement(sql: "SELECT body FROM image WHERE id = ?"), arguments: [id]).map(Self.decodeImage)
    }

    func saveImage(_ image: Image) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO image (id, region, owner, name, state, is_public, creation_date, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            arguments: [
                image.storageKey, image.region.rawValue, image.owner.rawValue, image.name, image.state.rawValue, image.isPublic,
                image.creationDate.timeIntervalSince1970, try Self.encoder.encode(image),
            ]
        )
        try db.execute(sql: "DELETE FROM launch_permission WHERE image_id = ?", arguments: [image.storageKey])
        let permission = try db.cachedStatement(sql: "INSERT OR IGNORE INTO launch_permission (image_id, kind, value) VALUES (?, ?, ?)")
        for grant in image.launchPermissions {
            switch grant {
            case .all: continue  // is_public
            case .account(let account): try permission.execute(arguments: [image.storageKey, "account", account.rawValue])
            case .organization(let arn): try permission.execute(arguments: [image.storageKey, "organization", arn])
            case .organizationalUnit(let arn): try permission.execute(arguments: [image.storageKey, "ou", arn])
            }
        }
        try db.execute(sql: "DELETE FROM image_snapshot WHERE image_id = ?", arguments: [image.storageKey])
        if image.state != .deregistered {
            let reference = try db.cachedStatement(sql: "INSERT OR IGNORE INTO image_snapshot (image_id, snapshot_id) VALUES (?, ?)")
            for snapshot in image.snapshotIDs {
                try reference.execute(arguments: [image.storageKey, snapshot])
            }
        }
    }

    func images(_ query: ImageQuery) throws -> [Image] {
        var sql = "SELECT body FROM image WHERE region = ?"
        var arguments: [any DatabaseValueConvertible] = [query.region.rawValue]
        if !query.includeDeregistered {
            sql += " AND state != 'deregistered'"
        }
        if let viewer = query.viewer {
            // Owned, public, or shared with the account, its organization or one of its units.
            sql += " AND (owner = ? OR is_public = 1 OR id IN (SELECT image_id FROM launch_permission WHERE (kind = 'account' AND value = ?)"
            arguments += [viewer.account.rawValue, viewer.account.rawValue]
            if let organization = viewer.organizationARN {
                sql += " OR (kind = 'organization' AND value = ?)"
                arguments.append(organization)
            }
            if !viewer.organizationalUnitARNs.isEmpty {
                sql += " OR (kind = 'ou' AND value IN (\(Self.placeholders(viewer.organizationalUnitARNs.count))))"
                arguments += viewer.organizationalUnitARNs
            }
            sql += "))"
        }
        if let ids = query.ids {
            // An image whose id every region shares is filed under its id and region.
            let keys = ids + ids.map { Image.regionalKey($0, region: query.region) }
            sql += " AND id IN (\(Self.placeholders(keys.count)))"
            arguments += keys
        }
        if let owners = query.owners {
            // One owner is an equality, so that an index on the owner then the order's key gives the order.
            sql += owners.count == 1 ? " AND owner = ?" : " AND owner IN (\(Self.placeholders(owners.count)))"
            arguments += owners.map(\.rawValue)
        }
        if query.publicOnly {
            sql += " AND is_public = 1"
        }
        if let patterns = query.namePatterns, !patterns.isEmpty {
            sql += " AND (" + Self.nameClauses(patterns, arguments: &arguments).joined(separator: " OR ") + ")"
        }
        sql += Self.orderClauses(query.order, after: query.after, arguments: &arguments)
        if let limit = query.limit {
            sql += " LIMIT ?"
            arguments.append(limit)
        }
        return try Data.fetchAll(db.cachedStatement(sql: sql), arguments: StatementArguments(arguments)).map(Self.decodeImage)
    }

    /// The conditions that a name matches one of `patterns`, EC2 wildcard patterns.
    ///
    /// The pattern is matched against an expression, never a bare parameter: given
    /// `name GLOB ?`, SQLite plans the pattern's literal prefix itself and so prepares the
    /// statement again every time it is bound. The prefix's range, bound here, lets the index
    /// find the candidates instead.
    private static func nameClauses(_ patterns: [String], arguments: inout [any DatabaseValueConvertible]) -> [String] {
        patterns.map { pattern in
            if let (low, high) = WildcardPattern.prefixRange(of: pattern) {
                arguments += [low, high, glob(pattern)]
                return "(name >= ? AND name < ? AND name GLOB (? || ''))"
            }
            arguments.append(glob(pattern))
            return "name GLOB (? || '')"
        }
    }

    /// The keyset condition of a page that starts after `position` in `order`, then the
    /// order itself: the order's column, then the id, both the same way.
    private static func orderClauses(_ order: ImageOrder, after position: ImagePosition?, arguments: inout [any DatabaseValueConvertible]) -> String {
        let column: String? =
            switch order.key {
            case .id: nil
            case .name: "name"
            case .creationDate: "creation_date"
            }
        let (comparison, direction) = order.descending ? ("<", " DESC") : (">", "")
        var sql = ""
        if let position {
            switch (column, position.key) {
            case (let column?, .name(let name)):
                sql += " AND (\(column), id) \(comparison) (?, ?)"
                arguments += [name, position.id]
            case (let column?, .creationDate(let seconds)):
                sql += " AND (\(column), id) \(comparison) (?, ?)"
                arguments += [seconds, position.id]
            default:
                sql += " AND id \(comparison) ?"
                arguments.append(position.id)
            }
        }
        return sql + (column.map { " ORDER BY \($0)\(direction), id\(direction)" } ?? " ORDER BY id\(direction)")
    }

    /// Decoded images, keyed by the bytes they were decoded from: decoding JSON dominated
    /// DescribeImages. A hit needs equal bytes, so the cache can never serve a stale or
    /// rolled-back image.
    private static let decodedImages = DecodeCache<Image>(capacity: 50_000)

    static func decodeImage(_ body: Data) throws -> Image {
        if let image = decodedImages.value(for: body) { return image }
        let image = try decoder.decode(Image.self, from: body)
        decodedImages.store(image, for: body)
        return image
    }

    func imageNamed(_ name: String, owner: AccountID, region: RegionName) throws -> Image? {
        try Data.fetchOne(
            db.cachedStatement(sql: "SELECT body FROM image WHERE region = ? AND name = ? AND owner = ? AND state != 'deregistered'"),
            arguments: [region.rawValue, name, owner.rawValue]
        ).map(Self.decodeImage)
    }

    func imagesUsing(snapshotID: String) throws -> [String] {
        try String.fetchAll(
            db.cachedStatement(sql: "SELECT image_id FROM image_snapshot WHERE snapshot_id = ? ORDER BY image_id"),
            arguments: [snapshotID]
        )
    }

    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }

    /// An EC2 wildcard pattern as a SQLite GLOB: `*` and `?` carry over, `[` is quoted, `\*` and `\?` are literal.
    static func glob(_ pattern: String) -> String {
        var output = ""
        var escaped = false
        for character in pattern {
            if escaped {
                output += character == "*" || character == "?" || character == "[" ? "[\(character)]" : String(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "[" {
                output += "[[]"
            } else {
                output.append(character)
            }
        }
        if escaped { output += "\\" }
        return output
    }

    // MARK: Block maps

    func blockMap(of ownerID: String, from index: Int, limit: Int?) throws -> [BlockEntry] {
        try Row.fetchAll(
            db.cachedStatement(
                sql:
                    "SELECT block_index, block_id, sha256, change_digest FROM block_map WHERE owner_id = ? AND block_index >= ? ORDER BY block_index LIMIT ?"
            ),
            arguments: [ownerID, index, limit ?? -1]
        ).map(Self.blockEntry)
    }

    func blockEntry(of ownerID: String, at index: Int) throws -> BlockEntry? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT block_index, block_id, sha256, change_digest FROM block_map WHERE owner_id = ? AND block_index = ?"),
            arguments: [ownerID, index]
        ).map(Self.blockEntry)
    }

    func putBlockEntries(_ entries: [BlockEntry], of ownerID: String, domain: String) throws {
        let statement = try db.cachedStatement(
            sql: "INSERT OR REPLACE INTO block_map (owner_id, block_index, block_id, sha256, change_digest, domain) VALUES (?, ?, ?, ?, ?, ?)"
        )
        for entry in entries {
            try statement.execute(arguments: [
                ownerID, entry.index, Data(entry.id.bytes), Data(entry.sha256), entry.changeDigest.map { Data($0) }, domain,
            ])
        }
    }

    func removeBlockEntries(at indexes: [Int], of ownerID: String) throws {
        let statement = try db.cachedStatement(sql: "DELETE FROM block_map WHERE owner_id = ? AND block_index = ?")
        for index in indexes {
            try statement.execute(arguments: [ownerID, index])
        }
    }

    func copyBlockMap(from sourceID: String, to targetID: String) throws {
        try db.execute(sql: "DELETE FROM block_map WHERE owner_id = ?", arguments: [targetID])
        try db.execute(
            sql: """
                INSERT INTO block_map (owner_id, block_index, block_id, sha256, change_digest, domain)
                SELECT ?, block_index, block_id, sha256, change_digest, domain FROM block_map WHERE owner_id = ?
                """,
            arguments: [targetID, sourceID]
        )
    }

    func deleteBlockMap(of ownerID: String) throws {
        try db.execute(sql: "DELETE FROM block_map WHERE owner_id = ?", arguments: [ownerID])
    }

    func blockCount(of ownerID: String) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM block_map WHERE owner_id = ?"), arguments: [ownerID]) ?? 0
    }

    private static func blockEntry(_ row: Row) -> BlockEntry {
        BlockEntry(
            index: row["block_index"],
            id: BlockID([UInt8](row["block_id"] as Data)),
            sha256: [UInt8](row["sha256"] as Data),
            changeDigest: (row["change_digest"] as Data?).map { [UInt8]($0) }
        )
    }

    // MARK: Block index

    func storedBytes(of blocks: Set<BlockID>, domain: String) throws -> Int64 {
        let statement = try db.cachedStatement(sql: "SELECT stored_length FROM block WHERE domain = ? AND id = ?")
        var total: Int64 = 0
        for id in blocks {
            total += try Int64.fetchOne(statement, arguments: [domain, Data(id.bytes)]) ?? 0
        }
        return total
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
            db.cachedStatement(sql: "SELECT kind, resource_id, due FROM scheduled_transition WHERE due <= ? ORDER BY due, id"),
            arguments: [date.timeIntervalSince1970]
        ).map(Self.transition)
    }

    func nextTransitionDue() throws -> Date? {
        try Double.fetchOne(db.cachedStatement(sql: "SELECT MIN(due) FROM scheduled_transition")).map(Date.init(timeIntervalSince1970:))
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
        for table in ["resource", "resource_grant", "tag", "scheduled_transition", "block_map", "image", "launch_permission", "image_snapshot"] {
            try db.execute(sql: "DELETE FROM \(table)")
        }
    }
}
