import Foundation
import KilnCore
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// The ``MetadataStore`` that several Kiln nodes share: one PostgreSQL database, reached
/// through postgres-nio's connection pool.
///
/// Concurrency: every ``write(_:)`` runs at `SERIALIZABLE` isolation, and the whole body runs
/// again when PostgreSQL aborts it with serialization_failure (40001) or deadlock_detected
/// (40P01), up to ``maximumAttempts`` times with a short random wait between tries. This keeps
/// the guarantee the services were written against on SQLite, whose single writer ran write
/// transactions one at a time: a body that reads, decides and writes (a name not yet taken,
/// a ClientToken not yet claimed, a volume still available, a snapshot still there to copy)
/// behaves as if no other body ran beside it. Explicit row locks would have to be placed in
/// every such service, and a forgotten one would be a silent race; serializable isolation
/// protects them all, at the cost of a retry when two nodes really collide. Of two racing
/// calls the retried one then reads what the winner committed and answers with AWS's error.
///
/// Transaction bodies are synchronous, as the store port defines them: each runs on a thread
/// of ``threads`` (never on an event loop, nor on the tasks' cooperative threads) while it
/// holds one pooled connection, and waits there for each statement's answer.
///
/// Reads run at `REPEATABLE READ READ ONLY`: one snapshot, which never aborts. The one write
/// outside serializable isolation is ``write(claiming:_:)``, for a served volume's flushes,
/// which hold the volume's row instead.
package final class PostgresMetadataStore: MetadataStore, Sendable {
    /// The pool that writes go through, and the store's own work (migrations, locks).
    let client: PostgresClient
    /// The pool that reads go through; see ``PreparedStatements``.
    let readClient: PostgresClient
    let threads: NIOThreadPool
    let logger: Logger
    /// The task that runs the connection pools, cancelled on ``close()``.
    private let runner: Task<Void, Never>
    /// The names under which the reading connections prepare their statements.
    let preparedStatements = PreparedStatements()
    /// Where the database is, for the connections outside the pool (``ClusterLeadership``).
    package let location: PostgresLocation

    /// How many times a body runs at most before a serialization failure is given up.
    static let maximumAttempts = 16

    /// Connects to the database `url` names and brings its schema up to date. The store
    /// opens at most `connections` connections, half of them for reads and half for writes.
    package static func connect(
        _ url: String,
        connections: Int = 16,
        logger: Logger = Logger(label: "kiln.postgres")
    ) async throws -> PostgresMetadataStore {
        let location = try PostgresLocation(url)
        let store = PostgresMetadataStore(location: location, connections: connections, logger: logger)
        do {
            try await store.migrate()
        } catch {
            store.close()
            throw error
        }
        return store
    }

    /// Reads and writes take connections from pools of their own, as they ask PostgreSQL for
    /// different plans. A read's statements are prepared and planned once, generically
    /// (`plan_cache_mode`): left to choose, PostgreSQL would plan a lookup by ids anew each
    /// time, as it cannot tell how many ids a generic plan will meet. A write's statements
    /// keep plans made for their values, because in a serializable transaction the plan
    /// decides what is locked: an index scan locks the range its values reach, where a
    /// generic plan may scan more and conflict with writes it never touched.
    private init(location: PostgresLocation, connections: Int, logger: Logger) {
        func pool(_ parameters: [(String, String)]) -> PostgresClient {
            var configuration = location.clientConfiguration
            configuration.options.maximumConnections = max(connections / 2, 1)
            configuration.options.minimumConnections = 1
            configuration.options.additionalStartupParameters = parameters
            return PostgresClient(configuration: configuration, backgroundLogger: logger)
        }
        let client = pool([])
        let readClient = pool([("plan_cache_mode", "force_generic_plan")])
        self.client = client
        self.readClient = readClient
        self.location = location
        self.logger = logger
        threads = NIOThreadPool(numberOfThreads: connections)
        threads.start()
        runner = Task {
            async let writes: Void = client.run()
            async let reads: Void = readClient.run()
            _ = await (writes, reads)
        }
    }

    /// Closes the pool's connections and stops its threads.
    package func close() {
        runner.cancel()
        threads.shutdownGracefully { _ in }
    }

    package func read<Result: Sendable>(_ body: @escaping @Sendable (any MetadataTransaction) throws -> Result) async throws -> Result {
        try await transaction(.snapshot) { try body($0) }
    }

    /// Each statement on its own, seeing the latest commit: no BEGIN and COMMIT round trips.
    package func readCommitted<Result: Sendable>(_ body: @escaping @Sendable (any MetadataTransaction) throws -> Result) async throws -> Result {
        try await transaction(.none) { try body($0) }
    }

    package func write<Result: Sendable>(_ body: @Sendable (any MetadataTransaction) throws -> Result) async throws -> Result {
        try await withoutActuallyEscaping(body) { body in
            try await transaction(.serializable) { try body($0) }
        }
    }

    /// A `READ COMMITTED` transaction whose first statement updates the resource's row in
    /// place: the row lock holds off every other writer of the row until the commit, and the
    /// new row version makes a serializable transaction that changes the row after its snapshot
    /// fail with a serialization failure and run again. As the transaction is not
    /// serializable, no serializable one is aborted for reading what it writes.
    package func write<Result: Sendable>(
        claiming resourceID: String,
        _ body: @Sendable (any MetadataTransaction) throws -> Result
    ) async throws -> Result {
        try await withoutActuallyEscaping(body) { body in
            try await transaction(.readCommitted) { transaction in
                try transaction.rows("UPDATE resource SET body = body WHERE id = \(resourceID)")
                return try body(transaction)
            }
        }
    }

    /// How a body's statements are grouped.
    enum Isolation {
        /// A serializable transaction, retried on serialization failures.
        case serializable
        /// A read-committed write transaction, retried on deadlocks.
        case readCommitted
        /// A read-only snapshot.
        case snapshot
        /// No transaction.
        case none

        /// Whether the body only reads: a snapshot, or statements on their own.
        var readsOnly: Bool {
            self == .snapshot || self == .none
        }

        var begin: String? {
            switch self {
            case .serializable: return "BEGIN ISOLATION LEVEL SERIALIZABLE"
            case .readCommitted: return "BEGIN ISOLATION LEVEL READ COMMITTED"
            case .snapshot: return "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
            case .none: return nil
            }
        }
    }

    /// Runs `body` on a pooled connection in the way `isolation` says, again while PostgreSQL
    /// aborts it for a conflict with a concurrent transaction.
    func transaction<Result: Sendable>(
        _ isolation: Isolation,
        _ body: @escaping @Sendable (PostgresTransaction) throws -> Result
    ) async throws -> Result {
        // The pool's thread may hold its work item a moment after the answer arrives; the
        // item holds only this box, emptied on return, so `write`'s body does not escape.
        let box = BodyBox(body)
        defer { box.empty() }
        var attempt = 1
        while true {
            do {
                let logger = logger
                let threads = threads
                let prepared = preparedStatements
                let pool = isolation.readsOnly ? readClient : client
                return try await pool.withConnection { connection in
                    try await threads.runIfActive {
                        let transaction = PostgresTransaction(connection: connection, preparedStatements: prepared, logger: logger)
                        return try box.run(in: transaction, isolation: isolation)
                    }
                }
            } catch let error where Self.isConflict(error) && attempt < Self.maximumAttempts {
                attempt += 1
                try await Task.sleep(for: Self.backoff(before: attempt))
            }
        }
    }

    /// The wait before attempt `attempt` (2 or more) of a conflicted transaction: random, so
    /// that the transactions that collided spread out, and doubling from 4 ms up to 256 ms, so
    /// that a hot spot (launches counted against one quota, say) drains instead of colliding
    /// again: sixteen attempts wait under three seconds in all.
    static func backoff(before attempt: Int) -> Duration {
        let ceiling = 2_000 << min(attempt - 1, 7)
        return .microseconds(Int.random(in: 1_000...ceiling))
    }

    /// A transaction body, which can be emptied once the transaction is over.
    final class BodyBox<Result>: Sendable {
        private let body: Mutex<(@Sendable (PostgresTransaction) throws -> Result)?>

        init(_ body: @escaping @Sendable (PostgresTransaction) throws -> Result) {
            self.body = Mutex(body)
        }

        func run(in transaction: PostgresTransaction, isolation: Isolation) throws -> Result {
            guard let body = body.withLock({ $0 }) else { throw CancellationError() }
            return try PostgresMetadataStore.run(body, in: transaction, isolation: isolation)
        }

        func empty() {
            body.withLock { $0 = nil }
        }
    }

    /// Runs `body` in `transaction`, on the calling thread, which waits for every statement.
    fileprivate static func run<Result>(
        _ body: (PostgresTransaction) throws -> Result,
        in transaction: PostgresTransaction,
        isolation: Isolation
    ) throws -> Result {
        transaction.readsOnly = isolation.readsOnly
        guard let begin = isolation.begin else { return try body(transaction) }
        // Only a read-only snapshot's statements may go out before BEGIN is acknowledged.
        transaction.pendingBegin = (begin, isolation == .snapshot)
        do {
            let result = try body(transaction)
            // A body may have caught a statement's conflict and gone on; the whole body runs again.
            if let conflict = transaction.conflict { throw conflict }
            if transaction.began { try transaction.execute("COMMIT") }
            return result
        } catch {
            if transaction.began { try? transaction.execute("ROLLBACK") }
            throw transaction.conflict ?? error
        }
    }

    /// Whether `error` is PostgreSQL aborting a transaction that conflicted with another one:
    /// running it again may succeed.
    static func isConflict(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] else { return false }
        return state == "40001" || state == "40P01"
    }

    /// Runs `body` while this node holds the session advisory lock `key` on a pooled
    /// connection; `nil` without running it when another node holds the lock.
    package func exclusively<Result: Sendable>(key: Int64, _ body: () async throws -> Result) async throws -> Result? {
        let logger = logger
        return try await client.withConnection { connection in
            let rows = try await connection.query("SELECT pg_try_advisory_lock(\(key))", logger: logger)
            var taken = false
            for try await value in rows.decode(Bool.self) { taken = value }
            guard taken else { return nil }
            do {
                let result = try await body()
                try await connection.query("SELECT pg_advisory_unlock(\(key))", logger: logger)
                return result
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(key))", logger: logger)
                throw error
            }
        }
    }
}
