import Synchronization

/// Counts the open connections against the most the server allows.
package final class ConnectionGate: Sendable {
    /// The most connections served at once.
    package let limit: Int
    private let open = Mutex(0)

    /// A gate that lets `limit` connections in at once.
    package init(limit: Int) {
        self.limit = limit
    }

    /// Counts a new connection; `false` when it is over the limit (it is counted all the same,
    /// until it closes).
    package func enter() -> Bool {
        open.withLock { count in
            count += 1
            return count <= limit
        }
    }

    /// Counts a connection that closed.
    package func leave() {
        open.withLock { $0 -= 1 }
    }

    /// The connections open now.
    package var current: Int { open.withLock { $0 } }
}
