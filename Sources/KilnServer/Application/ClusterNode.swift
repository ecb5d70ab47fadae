import Foundation
import KilnBlocks
import KilnCore
import KilnPostgres
import Logging
import ServiceLifecycle

/// A node of a cluster: the PostgreSQL metadata store every node shares, the advisory lock
/// that decides which node does the background work, and this node's lease on the blocks it
/// writes.
package struct ClusterNode: Sendable {
    let store: PostgresMetadataStore
    let leadership: ClusterLeadership
    let lease: BlockLease

    /// The node `configuration` makes, or `nil` when metadata stays in the data directory.
    static func join(_ configuration: ServerConfiguration, logger: Logger) async throws -> ClusterNode? {
        guard let url = configuration.metadata else { return nil }
        let store = try await PostgresMetadataStore.connect(url, logger: logger)
        let location = store.location
        logger.notice("metadata in PostgreSQL", metadata: ["database": .string("\(location.host):\(location.port)/\(location.database)")])
        // Stable across restarts: a node that comes back in time keeps its instances.
        let nodeID = "\(ProcessInfo.processInfo.hostName):\(configuration.host):\(configuration.port)"
        return ClusterNode(
            store: store,
            leadership: ClusterLeadership(location: location, logger: logger),
            lease: BlockLease(store: store, nodeID: nodeID, duration: TimeInterval(configuration.blockLeaseSeconds))
        )
    }

    /// Whether this node does the background work now.
    var leads: @Sendable () -> Bool {
        let leadership = leadership
        return { leadership.isLeader }
    }

    /// What runs beside the server: the contest for the lock, and the heartbeat.
    func services(cloud: Cloud, address: String, logger: Logger) -> [any Service] {
        [LeadershipService(leadership: leadership), HeartbeatService(node: self, cloud: cloud, address: address, logger: logger)]
    }
}

/// Records this node's heartbeat every second; on the node that leads, ends the instances of
/// nodes whose heartbeat stopped (``silenceTimeout``), as a host failure does on EC2.
struct HeartbeatService: Service {
    let node: ClusterNode
    let cloud: Cloud
    let address: String
    let logger: Logger
    /// How long a node may stay silent before it counts as dead.
    var silenceTimeout: TimeInterval = 10

    func run() async throws {
        let registry = NodeRegistry(store: node.store)
        let started = Date()
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await registry.beat(node.lease.nodeID, address: address, startedAt: started)
                    if node.leadership.isLeader {
                        for silent in try await registry.silentNodes(timeout: silenceTimeout) where silent != node.lease.nodeID {
                            let ended = try await cloud.instances.nodeFailed(silent)
                            try await registry.forget(silent)
                            logger.warning(
                                "a node stopped answering; its instances were ended",
                                metadata: ["node": .string(silent), "instances": .stringConvertible(ended)]
                            )
                        }
                    }
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("cluster heartbeat failed; retrying", metadata: ["error": .string("\(error)")])
                }
                do { try await Task.sleep(for: .seconds(1)) } catch { return }
            }
        }
    }
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

/// A node's block store: every write, lookup and flush first holds the node's ``BlockLease``,
/// so that no other node's garbage collection runs while blocks it handed out may be
/// referenced by no map yet.
struct LeasedBlockStore: BlockStore {
    let inner: any BlockStore
    let lease: BlockLease

    func put(_ plaintext: [UInt8], sha256: [UInt8], domain: EncryptionDomain) async throws -> BlockID {
        try await lease.hold()
        return try await inner.put(plaintext, sha256: sha256, domain: domain)
    }

    func flush() async throws {
        try await lease.hold()
        try await inner.flush()
    }

    func read(_ id: BlockID, domain: EncryptionDomain) async throws -> [UInt8] {
        try await inner.read(id, domain: domain)
    }

    func contains(_ id: BlockID, domain: EncryptionDomain) async throws -> Bool {
        try await lease.hold()
        return try await inner.contains(id, domain: domain)
    }

    func blockID(sha256: [UInt8], domain: EncryptionDomain) async throws -> BlockID {
        try await lease.hold()
        return try await inner.blockID(sha256: sha256, domain: domain)
    }

    func copy(_ id: BlockID, sha256: [UInt8], from source: EncryptionDomain, to target: EncryptionDomain) async throws -> BlockID {
        try await lease.hold()
        return try await inner.copy(id, sha256: sha256, from: source, to: target)
    }
}

/// Store maintenance on a node of a cluster: one collection at a time across the cluster
/// (a PostgreSQL advisory lock), and none while another node holds a block lease.
struct ClusterMaintenance: BlockMaintenance {
    let inner: any BlockMaintenance
    let node: ClusterNode

    /// The advisory lock a collection holds.
    static let collectionLockKey: Int64 = 0x6B69_6C6E_0003

    func collectGarbage(alsoLive: [(domain: String, id: BlockID)]) async throws -> GarbageReport {
        let live = alsoLive.map { LiveBlock(domain: $0.domain, id: $0.id) }
        let lease = node.lease
        let report = try await node.store.exclusively(key: Self.collectionLockKey) {
            try await Self.beginCollection(lease)
            // The record lasts one lease and is extended while the sweep runs, so that a node
            // that dies collecting holds the others' writes back one lease at most.
            let renewal = Task {
                while !Task.isCancelled {
                    try await Task.sleep(for: .seconds(lease.duration / 3))
                    _ = try await lease.beginCollection(for: lease.duration)
                }
            }
            defer { renewal.cancel() }
            do {
                let report = try await inner.collectGarbage(alsoLive: live.map { (domain: $0.domain, id: $0.id) })
                try await lease.endCollection()
                return report
            } catch {
                try? await lease.endCollection()
                throw error
            }
        }
        guard let report else { throw CloudError.garbageCollectionDeferred("another node is collecting") }
        return report
    }

    /// Records the collection once no other node holds a lease; leases are short, so it waits
    /// for them to run out, up to one lease or half a minute.
    private static func beginCollection(_ lease: BlockLease) async throws {
        var holders = try await lease.beginCollection(for: lease.duration)
        let deadline = Date() + min(lease.duration + 1, 30)
        while !holders.isEmpty, Date() < deadline {
            try await Task.sleep(for: .milliseconds(500))
            holders = try await lease.beginCollection(for: lease.duration)
        }
        guard holders.isEmpty else {
            throw CloudError.garbageCollectionDeferred(
                "nodes \(holders.joined(separator: ", ")) wrote blocks within the last \(Int(lease.duration)) seconds"
            )
        }
    }

    func verify() async throws -> VerifyReport {
        try await inner.verify()
    }
}

/// A block that is live, in a form that crosses tasks.
private struct LiveBlock: Sendable {
    var domain: String
    var id: BlockID
}
