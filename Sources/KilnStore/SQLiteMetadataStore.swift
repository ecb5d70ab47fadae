import Foundation
import GRDB
import KilnCore

/// The default ``MetadataStore``: one SQLite database in write-ahead-log mode.
///
/// Each ``write(_:)`` is one SQLite transaction, committed with `synchronous = FULL`, so a
/// change the client saw acknowledged survives a kill -9 or a power cut, and a change that
/// did not finish leaves nothing behind.
package struct SQLiteMetadataStore: MetadataStore {
    let database: any DatabaseWriter
    /// Where reads run; `nil` for an in-memory database, which only its writer can see.
    private let readers: ReadConnections?

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    package init(path: String) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        configuration.busyMode = .timeout(10)
        let pool = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(pool)
        database = pool
        readers = try ReadConnections(path: path, count: Self.readerCount, configuration: configuration)
    }

    /// How many read connections a file database has: enough for every core to read at once,
    /// and one more so a long scan leaves a connection free.
    static var readerCount: Int { ProcessInfo.processInfo.activeProcessorCount + 1 }

    /// A private in-memory database, for tests.
    package static func inMemory() throws -> SQLiteMetadataStore {
        try SQLiteMetadataStore(database: DatabaseQueue())
    }

    private init(database: any DatabaseWriter) throws {
        try Self.migrator.migrate(database)
        self.database = database
        readers = nil
    }

    /// Reads run on their own connections' queues (``ReadConnections``), off the tasks'
    /// cooperative threads: measured, reading on the calling thread gave more requests a second
    /// but a far worse 99th percentile under load.
    package func read<Result: Sendable>(_ body: @escaping @Sendable (any MetadataTransaction) throws -> Result) async throws -> Result {
        try await readSQL(body)
    }

    /// ``read(_:)`` with the transaction as SQL, for the store's own ports (``BlockIndex``).
    func readSQL<Result: Sendable>(_ body: @escaping @Sendable (SQLiteTransaction) throws -> Result) async throws -> Result {
        guard let readers else { return try await database.read { db in try body(SQLiteTransaction(db: db)) } }
        return try await readers.read(isolated: true) { db in try body(SQLiteTransaction(db: db)) }
    }

    /// Skips the read transaction (BEGIN, and COMMIT): about a tenth of a small lookup's cost.
    package func readCommitted<Result: Sendable>(_ body: @escaping @Sendable (any MetadataTransaction) throws -> Result) async throws -> Result {
        guard let readers else { return try await database.unsafeRead { db in try body(SQLiteTransaction(db: db)) } }
        return try await readers.read(isolated: false) { db in try body(SQLiteTransaction(db: db)) }
    }

    package func write<Result: Sendable>(_ body: @Sendable (any MetadataTransaction) throws -> Result) async throws -> Result {
        try await writeSQL(body)
    }

    /// ``write(_:)`` with the transaction as SQL, for the store's own ports (``BlockIndex``).
    /// A database that cannot grow because its file system is full answers ``CloudError/storageFull(_:)``.
    func writeSQL<Result: Sendable>(_ body: @Sendable (SQLiteTransaction) throws -> Result) async throws -> Result {
        do {
            return try await database.write { db in try body(SQLiteTransaction(db: db)) }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
            throw CloudError.storageFull("the metadata database cannot grow")
        }
    }
}
