import Foundation
import GRDB
import KilnCore
import KilnStore
import PostgresNIO

/// Copies a single-node data directory's metadata (its `kiln.sqlite`) into an empty
/// PostgreSQL database, table by table, a thousand rows a statement: `kiln migrate`.
///
/// The SQLite file is first brought up to date with its own migrations, so both schemas
/// are at the same point of their shared history. Nothing is written when the target already
/// holds resources, images or blocks.
package enum SQLiteImport {
    /// How a column's values cross: SQLite's storage class and PostgreSQL's column type.
    enum Kind {
        case text, bytes, optionalBytes, integer, double, boolean
    }

    /// Every table with state, its columns in order.
    static let tables: [(name: String, columns: [(String, Kind)])] = [
        ("resource", [("id", .text), ("kind", .text), ("owner", .text), ("region", .text), ("body", .bytes)]),
        ("resource_grant", [("resource_id", .text), ("kind", .text), ("region", .text), ("grantee", .text)]),
        (
            "tag",
            [("resource_id", .text), ("account", .text), ("key", .text), ("value", .text), ("resource_type", .text), ("region", .text)]
        ),
        ("scheduled_transition", [("kind", .text), ("resource_id", .text), ("due", .double)]),
        (
            "image",
            [
                ("id", .text), ("region", .text), ("owner", .text), ("name", .text), ("state", .text), ("is_public", .boolean),
                ("creation_date", .double), ("body", .bytes),
            ]
        ),
        ("launch_permission", [("image_id", .text), ("kind", .text), ("value", .text)]),
        ("image_snapshot", [("image_id", .text), ("snapshot_id", .text)]),
        ("pack", [("name", .text), ("domain", .text), ("size", .integer), ("created_at", .double)]),
        (
            "block",
            [
                ("domain", .text), ("id", .bytes), ("pack", .text), ("offset", .integer), ("stored_length", .integer), ("plain_length", .integer),
                ("codec", .integer), ("sha256", .bytes), ("indexed_at", .double),
            ]
        ),
        ("domain_key", [("domain", .text), ("wrapped_key", .bytes)]),
        ("console_session", [("id", .text), ("last_seen", .double), ("body", .bytes)]),
        (
            "block_map",
            [
                ("owner_id", .text), ("block_index", .integer), ("block_id", .bytes), ("sha256", .bytes), ("change_digest", .optionalBytes),
                ("domain", .text),
            ]
        ),
    ]

    /// Rows a statement.
    static let batch = 1_000

    /// Copies the metadata of the SQLite database at `path` into `store`'s database; answers
    /// how many rows each table gave.
    package static func copy(sqlitePath path: String, into store: PostgresMetadataStore) async throws -> [(table: String, rows: Int)] {
        _ = try SQLiteMetadataStore(path: path)  // its own migrations first
        var configuration = Configuration()
        configuration.readonly = true
        let source = try DatabaseQueue(path: path, configuration: configuration)
        try await refuseUnlessEmpty(store)
        var counts: [(table: String, rows: Int)] = []
        for table in tables {
            let copied = try await copyTable(table.name, columns: table.columns, from: source, into: store)
            counts.append((table.name, copied))
        }
        // The tables were empty when the planner last looked: without fresh statistics it may
        // scan a whole region's index for an image named by id until autovacuum gets to them.
        try await store.transaction(.none) { transaction in
            for table in tables { try transaction.execute("ANALYZE \(table.name)") }
        }
        return counts
    }

    private static func refuseUnlessEmpty(_ store: PostgresMetadataStore) async throws {
        let held = try await store.transaction(.none) { transaction in
            try transaction.rows(
                "SELECT (SELECT COUNT(*) FROM resource) + (SELECT COUNT(*) FROM image) + (SELECT COUNT(*) FROM block)"
            ).first.map { try $0.decode(Int.self) } ?? 0
        }
        guard held == 0 else { throw SQLiteImportError(reason: "the target database already holds \(held) resources, images or blocks") }
    }

    private static func copyTable(
        _ table: String,
        columns: [(String, Kind)],
        from source: DatabaseQueue,
        into store: PostgresMetadataStore
    ) async throws -> Int {
        let names = columns.map { "\"\($0.0)\"" }.joined(separator: ", ")
        var copied = 0
        var after: Int64 = -1
        while true {
            let last = after
            let rows = try await source.read { db in
                try Row.fetchAll(db, sql: "SELECT \(names), rowid FROM \(table) WHERE rowid > ? ORDER BY rowid LIMIT ?", arguments: [last, batch])
            }
            guard let final = rows.last else { return copied }
            let query = try insert(into: table, columns: columns, rows: rows)
            try await store.transaction(.serializable) { _ = try $0.rows(query) }
            copied += rows.count
            after = final[columns.count]
        }
    }

    /// One statement that inserts `rows`: each column bound as an array and unnested.
    static func insert(into table: String, columns: [(String, Kind)], rows: [Row]) throws -> PostgresQuery {
        var bindings = PostgresBindings()
        var selects: [String] = []
        var aliases: [String] = []
        for (position, (name, kind)) in columns.enumerated() {
            let alias = "c\(position)"
            aliases.append(alias)
            switch kind {
            case .text:
                bindings.append(rows.map { $0[position] as String })
                selects.append(alias)
            case .bytes:
                bindings.append(rows.map { Hex.encode([UInt8]($0[position] as Data)) })
                selects.append("decode(\(alias), 'hex')")
            case .optionalBytes:
                bindings.append(rows.map { ($0[position] as Data?).map { Hex.encode([UInt8]($0)) } ?? "" })
                selects.append("CASE WHEN \(alias) = '' THEN NULL ELSE decode(\(alias), 'hex') END")
            case .integer:
                bindings.append(rows.map { $0[position] as Int })
                selects.append(alias)
            case .double:
                bindings.append(rows.map { $0[position] as Double })
                selects.append(alias)
            case .boolean:
                bindings.append(rows.map { $0[position] as Bool })
                selects.append(alias)
            }
            _ = name
        }
        let types = columns.map { kind -> String in
            switch kind.1 {
            case .text, .bytes, .optionalBytes: return "text[]"
            case .integer: return "bigint[]"
            case .double: return "float8[]"
            case .boolean: return "boolean[]"
            }
        }
        let arrays = types.enumerated().map { "$\($0.offset + 1)::\($0.element)" }.joined(separator: ", ")
        let sql = """
            INSERT INTO \(table) (\(columns.map { "\"\($0.0)\"" }.joined(separator: ", ")))
            SELECT \(selects.joined(separator: ", ")) FROM unnest(\(arrays)) AS r(\(aliases.joined(separator: ", ")))
            ON CONFLICT DO NOTHING
            """
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }
}

/// Why `kiln migrate` wrote nothing.
package struct SQLiteImportError: Error, CustomStringConvertible {
    package var reason: String
    package var description: String { reason }
}
