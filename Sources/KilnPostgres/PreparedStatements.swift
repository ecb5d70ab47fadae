import NIOCore
import PostgresNIO
import Synchronization

/// The store's SELECT statements, each prepared once per connection instead of parsed and
/// planned on every call.
///
/// A statement sent as it is goes through PostgreSQL's unnamed statement, which is parsed
/// and planned every time: for a DescribeImages by id that is about 0.25 ms, against
/// 0.03 ms to execute it. A prepared statement is parsed once per connection, and the
/// store's reading connections ask for generic plans (`plan_cache_mode`), so it is planned
/// once too. Writes are not prepared (see ``PostgresMetadataStore``).
///
/// Every distinct SQL text gets a name (`kiln_1`, `kiln_2`, …) for the life of the process;
/// postgres-nio prepares a name on a connection the first time it runs there (one round
/// trip before the run), and remembers it for that connection.
///
/// Invariant: at most ``maximumStatements`` texts are named, so neither this process nor a
/// PostgreSQL backend grows with the variety of queries; past it a SELECT goes unprepared.
final class PreparedStatements: Sendable {
    /// How many distinct SQL texts are prepared at most.
    static let maximumStatements = 256

    private let names = Mutex<[String: String]>([:])

    /// The name `sql` is prepared under, or `nil` when it goes unprepared: it is not a
    /// SELECT, or the store prepares as many statements as it may.
    func name(for sql: String) -> String? {
        guard sql.hasPrefix("SELECT") else { return nil }
        return names.withLock { names in
            if let name = names[sql] { return name }
            guard names.count < Self.maximumStatements else { return nil }
            let name = "kiln_\(names.count + 1)"
            names[sql] = name
            return name
        }
    }

    /// Runs `query` as the statement prepared under `name` on `connection`, and collects its
    /// rows. The answer is a future, for a caller on a thread of its own to wait for.
    ///
    /// postgres-nio runs prepared statements only from async code, so a task runs this one.
    /// It starts at once on the calling thread, which sends the statement, and only its
    /// resumption, once the rows are in, goes through Swift's executor.
    static func run(_ query: PostgresQuery, as name: String, on connection: PostgresConnection, logger: Logger)
        -> EventLoopFuture<[PostgresRow]>
    {
        let promise = connection.eventLoop.makePromise(of: [PostgresRow].self)
        let statement = PreparedSelect(bindings: query.binds)
        let text = PreparedSelect.Text(name: name, sql: query.sql)
        Task.immediate {
            do {
                let rows = try await PreparedSelect.$current.withValue(text) {
                    try await connection.execute(statement, logger: logger)
                }
                var collected: [PostgresRow] = []
                for try await row in rows { collected.append(row) }
                promise.succeed(collected)
            } catch {
                promise.fail(error)
            }
        }
        return promise.futureResult
    }
}

/// A SELECT that runs as a prepared statement.
///
/// postgres-nio takes a prepared statement's name and SQL from static properties of its
/// type, and reads them while it sends the statement. The store's statements are built at
/// run time, so this one type reads them from the task that runs it: ``current``, which
/// ``PreparedStatements/run(_:as:on:logger:)`` sets around the call that sends it.
struct PreparedSelect: PostgresPreparedStatement {
    struct Text: Sendable {
        var name: String
        var sql: String
    }

    @TaskLocal static var current = Text(name: "", sql: "")

    static var name: String { current.name }
    static var sql: String { current.sql }

    let bindings: PostgresBindings

    func makeBindings() throws -> PostgresBindings {
        bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> PostgresRow {
        row
    }
}
