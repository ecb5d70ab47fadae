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
/// The other direction: a collection records itself in the same table (``beginCollection()``),
/// and a renewal waits while another node's collection runs, so no node starts writing in the
/// middle of a sweep. Both are serializable transactions that read what the other writes, so
/// of a renewal and a collection that start together one sees the other.
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

    /// The id of the row that a running collection holds in the lease table.
    static let collectionRow = "collection"

    /// Makes sure the lease runs at least half its duration more; while another node's
    /// collection runs, waits for it to end first.
    package func hold() async throws {
        while true {
            let now = Date()
            guard heldUntil.withLock({ $0 }) < now + duration / 2 else { return }
            let until = now + duration
            if try await renew(now: now, until: until) {
                heldUntil.withLock { $0 = max($0, until) }
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Records the lease until `until`, unless another node's collection runs: then `false`.
    private func renew(now: Date, until: Date) async throws -> Bool {
        let (node, collection) = (nodeID, Self.collectionRow)
        return try await store.transaction(.serializable) { transaction in
            let collecting = try transaction.rows(
                "SELECT 1 FROM gc_lease WHERE id = \(collection) AND node_id <> \(node) AND expires > \(now.timeIntervalSince1970)"
            )
            guard collecting.isEmpty else { return false }
            try transaction.rows(
                """
                INSERT INTO gc_lease (id, node_id, since, expires) VALUES (\(node), \(node), \(now.timeIntervalSince1970), \(until.timeIntervalSince1970))
                ON CONFLICT (id) DO UPDATE SET expires = excluded.expires
                """
            )
            return true
        }
    }

    /// Records that this node collects garbage for the next `duration` seconds, if no other
    /// node holds a lease; else returns those nodes and records nothing. Called again during a
    /// long collection, it extends the record.
    package func beginCollection(for duration: TimeInterval) async throws -> [String] {
        let (node, collection) = (nodeID, Self.collectionRow)
        let now = Date()
        let until = now + duration
        return try await store.transaction(.serializable) { transaction in
            let holders = try transaction.rows(
                "SELECT node_id FROM gc_lease WHERE node_id <> \(node) AND expires > \(now.timeIntervalSince1970) ORDER BY node_id"
            ).map { try $0.decode(String.self) }
            guard holders.isEmpty else { return holders }
            try transaction.rows(
                """
                INSERT INTO gc_lease (id, node_id, since, expires) VALUES (\(collection), \(node), \(now.timeIntervalSince1970), \(until.timeIntervalSince1970))
                ON CONFLICT (id) DO UPDATE SET node_id = excluded.node_id, since = excluded.since, expires = excluded.expires
                """
            )
            return []
        }
    }

    /// Ends this node's collection, so that other nodes' writes go on.
    package func endCollection() async throws {
        let (node, collection) = (nodeID, Self.collectionRow)
        try await store.transaction(.serializable) { transaction in
            try transaction.rows("DELETE FROM gc_lease WHERE id = \(collection) AND node_id = \(node)")
            return ()
        }
    }
}
