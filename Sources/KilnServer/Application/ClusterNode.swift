import KilnBlocks
import KilnCore
import KilnPostgres
import Logging
import ServiceLifecycle

/// A node of a cluster: the PostgreSQL metadata store every node shares, and the advisory
/// lock that decides which node does the background work.
struct ClusterNode {
    let store: PostgresMetadataStore
    let leadership: ClusterLeadership

    /// The node `configuration` makes, or `nil` when metadata stays in the data directory.
    static func join(_ configuration: ServerConfiguration, logger: Logger) async throws -> ClusterNode? {
        guard let url = configuration.metadata else { return nil }
        let store = try await PostgresMetadataStore.connect(url, logger: logger)
        logger.notice(
            "metadata in PostgreSQL",
            metadata: ["database": .string("\(store.location.host):\(store.location.port)/\(store.location.database)")]
        )
        return ClusterNode(store: store, leadership: ClusterLeadership(location: store.location, logger: logger))
    }

    /// Whether this node does the background work now.
    var leads: @Sendable () -> Bool {
        let leadership = leadership
        return { leadership.isLeader }
    }

    /// What runs beside the server: the contest for the lock.
    var services: [any Service] { [LeadershipService(leadership: leadership)] }
}

/// Keeps trying for, and holding, the cluster's background lock while the server runs.
struct LeadershipService: Service {
    let leadership: ClusterLeadership

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await leadership.run()
        }
    }
}
