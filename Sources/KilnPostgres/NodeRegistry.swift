import Foundation
import PostgresNIO

/// The nodes of a cluster and their heartbeats, in the `node` table.
package struct NodeRegistry: Sendable {
    let store: PostgresMetadataStore

    package init(store: PostgresMetadataStore) {
        self.store = store
    }

    /// Records that `node` (listening on `address`) is alive now.
    package func beat(_ node: String, address: String, startedAt: Date) async throws {
        let now = Date().timeIntervalSince1970
        let started = startedAt.timeIntervalSince1970
        try await store.transaction(.serializable) { transaction in
            try transaction.rows(
                """
                INSERT INTO node (id, address, started_at, heartbeat) VALUES (\(node), \(address), \(started), \(now))
                ON CONFLICT (id) DO UPDATE SET heartbeat = excluded.heartbeat
                """
            )
            return ()
        }
    }

    /// The nodes whose last heartbeat is older than `timeout` seconds.
    package func silentNodes(timeout: TimeInterval) async throws -> [String] {
        let cutoff = Date().timeIntervalSince1970 - timeout
        return try await store.transaction(.none) { transaction in
            try transaction.rows("SELECT id FROM node WHERE heartbeat < \(cutoff) ORDER BY id").map { try $0.decode(String.self) }
        }
    }

    /// Forgets a node whose instances were ended.
    package func forget(_ node: String) async throws {
        try await store.transaction(.serializable) { transaction in
            try transaction.rows("DELETE FROM node WHERE id = \(node)")
            try transaction.rows("DELETE FROM gc_lease WHERE node_id = \(node)")
            return ()
        }
    }
}
