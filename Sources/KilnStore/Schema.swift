import Foundation
import GRDB
import KilnCore

extension SQLiteMetadataStore {
    /// The schema's history. A migration never changes once released; a change is a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()

        migrator.registerMigration("v1: resources, tags, transitions") { db in
            // Every resource kind in one table: indexed columns for lookups, the rest as JSON.
            try db.create(table: "resource") { t in
                t.primaryKey("id", .text)
                t.column("kind", .text).notNull()
                t.column("owner", .text).notNull()
                t.column("region", .text).notNull()
                t.column("body", .blob).notNull()
            }
            try db.create(index: "resource_by_kind_region_owner", on: "resource", columns: ["kind", "region", "owner"])

            // Tags are per tagging account: tags on another account's shared image are private.
            try db.create(table: "tag") { t in
                t.column("resource_id", .text).notNull()
                t.column("account", .text).notNull()
                t.column("key", .text).notNull()
                t.column("value", .text).notNull()
                t.column("resource_type", .text).notNull()
                t.column("region", .text).notNull()
                t.primaryKey(["resource_id", "account", "key"])
            }
            try db.create(index: "tag_by_account_region", on: "tag", columns: ["account", "region"])

            try db.create(table: "scheduled_transition") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("kind", .text).notNull()
                t.column("resource_id", .text).notNull()
                t.column("due", .double).notNull()
            }
            try db.create(index: "scheduled_transition_by_due", on: "scheduled_transition", columns: ["due"])
        }
        registerDataPlaneMigration(&migrator)
        registerImageMigration(&migrator)
        migrator.registerMigration("v4: change digests in block maps") { db in
            // XXH3-128 of each mapped block's plaintext (see ChangeDigest); NULL for zero
            // blocks and for blocks mapped before this column, which clients compare by SHA-256.
            try db.alter(table: "block_map") { t in
                t.add(column: "change_digest", .blob)
            }
        }
        registerPagingMigration(&migrator)
        migrator.registerMigration("v6: tag pages") { db in
            // DescribeTags reads a page of an account's tags in a region after a position.
            try db.create(index: "tag_by_account_region_resource_key", on: "tag", columns: ["account", "region", "resource_id", "key"])
        }
        registerImageOrderMigration(&migrator)
        migrator.registerMigration("v8: console sessions") { db in
            // A signed-in browser's session, which any node sharing the store serves.
            try db.create(table: "console_session") { t in
                t.primaryKey("id", .text)
                t.column("last_seen", .double).notNull()
                t.column("body", .blob).notNull()
            }
            try db.create(index: "console_session_by_last_seen", on: "console_session", columns: ["last_seen"])
        }
        return migrator
    }
}

extension SQLiteMetadataStore {
    /// The data plane's tables: block maps of snapshots and volumes, the block index, packs and
    /// the wrapped keys of encryption domains.
    static func registerDataPlaneMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2: block maps, block index, packs, domain keys") { db in
            // The blocks of each snapshot and volume. A snapshot's map is complete; a volume's
            // holds only the blocks written since it was created from its snapshot.
            try db.create(table: "block_map") { t in
                t.column("owner_id", .text).notNull()
                t.column("block_index", .integer).notNull()
                t.column("block_id", .blob).notNull()
                t.column("sha256", .blob).notNull()
                t.column("domain", .text).notNull()
                t.primaryKey(["owner_id", "block_index"])
            }
            try db.create(table: "pack") { t in
                t.primaryKey("name", .text)
                t.column("domain", .text).notNull()
                t.column("size", .integer).notNull()
                t.column("created_at", .double).notNull()
            }
            try db.create(table: "block") { t in
                t.column("domain", .text).notNull()
                t.column("id", .blob).notNull()
                t.column("pack", .text).notNull().references("pack", onDelete: .restrict)
                t.column("offset", .integer).notNull()
                t.column("stored_length", .integer).notNull()
                t.column("plain_length", .integer).notNull()
                t.column("codec", .integer).notNull()
                t.column("sha256", .blob).notNull()
                t.column("indexed_at", .double).notNull()
                t.primaryKey(["domain", "id"])
            }
            try db.create(index: "block_by_pack", on: "block", columns: ["pack"])
            try db.create(table: "domain_key") { t in
                t.primaryKey("domain", .text)
                t.column("wrapped_key", .blob).notNull()
            }
        }
    }
}

extension SQLiteMetadataStore {
    /// Images get their own table: DescribeImages must answer by id, owner and name among a
    /// million images, so those are indexed columns beside the JSON body, and launch
    /// permissions and snapshot references are indexed rows.
    static func registerImageMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3: images, launch permissions, image snapshots") { db in
            try db.create(table: "image") { t in
                t.primaryKey("id", .text)
                t.column("region", .text).notNull()
                t.column("owner", .text).notNull()
                t.column("name", .text).notNull()
                t.column("state", .text).notNull()
                t.column("is_public", .boolean).notNull()
                t.column("body", .blob).notNull()
            }
            try db.create(index: "image_by_region_name", on: "image", columns: ["region", "name"])
            try db.create(index: "image_by_region_owner", on: "image", columns: ["region", "owner", "id"])
            try db.create(index: "image_by_region_public", on: "image", columns: ["region", "is_public", "id"])
            try db.create(table: "launch_permission") { t in
                t.column("image_id", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("value", .text).notNull()
                t.primaryKey(["image_id", "kind", "value"])
            }
            try db.create(index: "launch_permission_by_grantee", on: "launch_permission", columns: ["kind", "value"])
            try db.create(table: "image_snapshot") { t in
                t.column("image_id", .text).notNull()
                t.column("snapshot_id", .text).notNull()
                t.primaryKey(["image_id", "snapshot_id"])
            }
            try db.create(index: "image_snapshot_by_snapshot", on: "image_snapshot", columns: ["snapshot_id"])
        }
    }
}

extension SQLiteMetadataStore {
    /// Pages of resources in id order, and the grants that make others' resources visible
    /// (a snapshot's createVolumePermission), so that a page is read from an index whatever
    /// the region holds.
    static func registerPagingMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5: resource pages and grants") { db in
            try db.create(index: "resource_by_kind_region_owner_id", on: "resource", columns: ["kind", "region", "owner", "id"])
            try db.create(table: "resource_grant") { t in
                t.column("resource_id", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("region", .text).notNull()
                t.column("grantee", .text).notNull()
                t.primaryKey(["resource_id", "grantee"])
            }
            try db.create(index: "resource_grant_by_grantee", on: "resource_grant", columns: ["kind", "region", "grantee", "resource_id"])
            // Snapshots recorded before keep their grants in their documents only.
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO resource_grant (resource_id, kind, region, grantee)
                    SELECT resource.id, resource.kind, resource.region, grant.value
                    FROM resource, json_each(CAST(resource.body AS TEXT), '$.createVolumePermissions') AS grant
                    WHERE resource.kind = 'snap'
                    """
            )
        }
    }
}

extension SQLiteMetadataStore {
    /// Images listed in pages by name or by creation date, either way: the creation date is a
    /// column, and each key is indexed after the region, after the region and the owner, and
    /// after the region and whether the image is public, then by id, so that a page after any
    /// position is one index range.
    static func registerImageOrderMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v7: image orders") { db in
            try db.alter(table: "image") { t in
                t.add(column: "creation_date", .double).notNull().defaults(to: 0)
            }
            // Filled from each image's document, decoded as the store decodes it, so that the
            // column holds exactly the date the image has.
            var after: Int64 = 0
            while true {
                let rows = try Row.fetchAll(db, sql: "SELECT rowid, body FROM image WHERE rowid > ? ORDER BY rowid LIMIT 5000", arguments: [after])
                guard let last = rows.last else { break }
                for row in rows {
                    let image = try SQLiteTransaction.decodeImage(row["body"])
                    try db.execute(
                        sql: "UPDATE image SET creation_date = ? WHERE rowid = ?",
                        arguments: [image.creationDate.timeIntervalSince1970, row["rowid"] as Int64]
                    )
                }
                after = last["rowid"]
            }
            for (name, columns) in imageOrderIndexes {
                try db.create(index: name, on: "image", columns: columns)
            }
        }
    }

    /// The indexes of the image orders, by name.
    static let imageOrderIndexes: [(String, [String])] = [
        ("image_by_region_name_id", ["region", "name", "id"]),
        ("image_by_region_creation_id", ["region", "creation_date", "id"]),
        ("image_by_region_owner_name_id", ["region", "owner", "name", "id"]),
        ("image_by_region_owner_creation_id", ["region", "owner", "creation_date", "id"]),
        ("image_by_region_public_name_id", ["region", "is_public", "name", "id"]),
        ("image_by_region_public_creation_id", ["region", "is_public", "creation_date", "id"]),
    ]
}
