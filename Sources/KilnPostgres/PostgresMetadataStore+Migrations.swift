import Foundation
import PostgresNIO

extension PostgresMetadataStore {
    /// Applies the migrations the database lacks, each in its own transaction, while holding
    /// an advisory lock so that of several nodes starting at once one migrates and the others
    /// wait for it. The `kiln_migration` table records what was applied, as GRDB's
    /// `grdb_migrations` does for SQLite.
    func migrate() async throws {
        let logger = logger
        try await client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(PostgresSchema.migrationLockKey))", logger: logger)
            do {
                try await Self.applyMigrations(on: connection, logger: logger)
                try await connection.query("SELECT pg_advisory_unlock(\(PostgresSchema.migrationLockKey))", logger: logger)
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(PostgresSchema.migrationLockKey))", logger: logger)
                throw error
            }
        }
    }

    private static func applyMigrations(on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            "CREATE TABLE IF NOT EXISTS kiln_migration (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
            logger: logger
        )
        var applied = Set<String>()
        for try await name in try await connection.query("SELECT name FROM kiln_migration", logger: logger).decode(String.self) {
            applied.insert(name)
        }
        for migration in PostgresSchema.migrations where !applied.contains(migration.name) {
            try await connection.withTransaction(logger: logger) { connection in
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO kiln_migration (name) VALUES (\(migration.name))", logger: logger)
            }
            logger.info("metadata migration applied", metadata: ["name": .string(migration.name)])
        }
    }

    /// The migrations applied, oldest first.
    package func appliedMigrations() async throws -> [String] {
        try await transaction(.none) { transaction in
            try transaction.rows("SELECT name FROM kiln_migration").map { try $0.decode(String.self) }
        }.sorted { PostgresSchema.order(of: $0) < PostgresSchema.order(of: $1) }
    }
}

extension PostgresSchema {
    static func order(of name: String) -> Int {
        migrations.firstIndex { $0.name == name } ?? Int.max
    }
}
