import Foundation
import Logging
import PostgresNIO
import Synchronization

/// A node's lease on the blocks it writes, kept in the cluster's `gc_lease` table.
///
/// A block an upload or copy has just stored, or found already stored and reused, is
/// referenced by no map until the upload or copy records it; the pack a node is writing is
/// named by no index row until it is indexed. Garbage collection on another node must not
/// take either for garbage. So every block write, lookup and flush first makes sure this
/// node's lease runs at least ``duration``/2 more (renewing it for ``duration`` when it does
/// not), and a collection proceeds only while no other node holds a lease. A node that dies
/// leaves its lease to expire.
///
/// Times are wall-clock seconds, which the nodes of a cluster are expected to agree on.
package final class BlockLease: Sendable {
    private let store: PostgresMetadataStore
    /// This node's id in the table.
    package let nodeID: String
    /// How long a renewal lasts.
    package let duration: TimeInterval
    /// Until when the lease is recorded as held.
    private let heldUntil = Mutex<Date>(.distantPast)

    package init(store: PostgresMetadataStore, nodeID: String, duration: TimeInterval = 60) {
        self.store = store
        self.nodeID = nodeID
        self.duration = duration
    }

    /// Makes sure the lease runs at least half its duration more.
    package func hold() async throws {
        let now = Date()
        guard heldUntil.withLock({ $0 }) < now + duration / 2 else { return }
        let until = now + duration
        let node = nodeID
        try await store.transaction(.serializable) { transaction in
            try transaction.rows(
                """
                INSERT INTO gc_lease (id, node_id, since, expires) VALUES (\(node), \(node), \(now.timeIntervalSince1970), \(until.timeIntervalSince1970))
                ON CONFLICT (id) DO UPDATE SET expires = excluded.expires
                """
            )
            return ()
        }
        heldUntil.withLock { $0 = max($0, until) }
    }

    /// The other nodes whose leases have not expired.
    package func otherHolders() async throws -> [String] {
        let node = nodeID
        let now = Date().timeIntervalSince1970
        return try await store.transaction(.none) { transaction in
            try transaction.rows("SELECT node_id FROM gc_lease WHERE node_id <> \(node) AND expires > \(now) ORDER BY node_id").map {
                try $0.decode(String.self)
            }
        }
    }
}
