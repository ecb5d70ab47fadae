import Foundation
import GRDB
import Synchronization

/// Read-only connections to the database file, each on its own serial queue.
///
/// A read through `DatabasePool` checks a reader out of GRDB's pool and runs on an actor
/// bound to the reader's queue; for a lookup of one image that machinery cost more than the
/// SQL. Here a read is one hop to a connection's queue and one back: the connection with
/// the fewest reads in flight takes it, so a long scan does not hold up the short lookups
/// behind it while another connection is free.
///
/// The file must already be in write-ahead-log mode (the pool's writer sets it up), so
/// these readers see every committed transaction and never block the writer.
final class ReadConnections: Sendable {
    private let connections: [DatabaseQueue]
    /// Reads in flight, per connection.
    private let inFlight: Mutex<[Int]>

    /// `count` read-only connections to the database at `path`.
    init(path: String, count: Int, configuration base: Configuration) throws {
        var configuration = base
        configuration.readonly = true
        connections = try (0..<max(1, count)).map { _ in try DatabaseQueue(path: path, configuration: configuration) }
        inFlight = Mutex(Array(repeating: 0, count: connections.count))
    }

    /// Runs `body` on a connection: in a read-only transaction when `isolated`, else
    /// statement by statement, each seeing the latest commit.
    func read<Result: Sendable>(isolated: Bool, _ body: @escaping @Sendable (Database) throws -> Result) async throws -> Result {
        let index = checkOut()
        defer { checkIn(index) }
        let connection = connections[index]
        return try await withCheckedThrowingContinuation { continuation in
            let work: @Sendable (Swift.Result<Database, any Error>) -> Void = { opened in
                continuation.resume(with: Swift.Result { try body(opened.get()) })
            }
            if isolated {
                connection.asyncRead(work)
            } else {
                connection.asyncUnsafeRead(work)
            }
        }
    }

    private func checkOut() -> Int {
        inFlight.withLock { counts in
            var best = 0
            for index in counts.indices where counts[index] < counts[best] { best = index }
            counts[best] += 1
            return best
        }
    }

    private func checkIn(_ index: Int) {
        inFlight.withLock { $0[index] -= 1 }
    }
}
