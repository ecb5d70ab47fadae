import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// Which node of a cluster does the background work (the transition scheduler, the Auto
/// Scaling reconciler, expiring uploads and garbage collection): the one that holds a
/// session-level PostgreSQL advisory lock on its own connection, outside the pool.
///
/// The lock lives as long as that connection: when its node dies, even by kill -9, the
/// server sees the connection close and frees the lock, and another node's next try, within
/// ``retryInterval``, takes it over. A holder that loses its connection stops leading at once.
package final class ClusterLeadership: Sendable {
    private let location: PostgresLocation
    private let logger: Logger
    private let leading = Atomic<Bool>(false)
    /// How often a node that does not lead tries the lock, and a leader checks its connection.
    package let retryInterval: Duration

    /// The advisory lock's key: the same on every node of a cluster.
    static let lockKey: Int64 = 0x6B69_6C6E_0002

    package init(location: PostgresLocation, retryInterval: Duration = .seconds(1), logger: Logger) {
        self.location = location
        self.retryInterval = retryInterval
        self.logger = logger
    }

    /// Whether this node leads now.
    package var isLeader: Bool { leading.load(ordering: .acquiring) }

    /// Tries for the lock and keeps it, reconnecting after any failure, until cancelled.
    package func run() async {
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(
                    configuration: location.connectionConfiguration,
                    id: Int.random(in: 1...Int(Int32.max)),
                    logger: logger
                )
                defer { leading.store(false, ordering: .releasing) }
                do {
                    try await hold(on: connection)
                } catch {
                    await Self.close(connection)
                    throw error
                }
                await Self.close(connection)
            } catch is CancellationError {
                break
            } catch {
                if isLeader { logger.warning("lost the cluster's background lock", metadata: ["error": .string("\(error)")]) }
                leading.store(false, ordering: .releasing)
            }
            try? await Task.sleep(for: retryInterval)
        }
        leading.store(false, ordering: .releasing)
    }

    /// Closes a connection, even in a cancelled task: a connection must be closed before it goes.
    private static func close(_ connection: PostgresConnection) async {
        let closed: EventLoopFuture<Void> = connection.close()
        try? await closed.get()
    }

    /// Tries the lock every ``retryInterval`` until it is taken, then checks the connection at
    /// the same pace for as long as it lives.
    private func hold(on connection: PostgresConnection) async throws {
        while !Task.isCancelled {
            if isLeader {
                try await connection.query("SELECT 1", logger: logger)
            } else {
                let rows = try await connection.query("SELECT pg_try_advisory_lock(\(Self.lockKey))", logger: logger)
                for try await taken in rows.decode(Bool.self) where taken {
                    leading.store(true, ordering: .releasing)
                    logger.notice("this node now runs the cluster's background work")
                }
            }
            try await Task.sleep(for: retryInterval)
        }
    }
}
