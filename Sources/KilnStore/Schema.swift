import GRDB

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
        return migrator
    }
}
