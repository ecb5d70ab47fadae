import Foundation

/// The blocks of EBS direct uploads in progress, kept until CompleteSnapshot writes them
/// into the snapshot's map.
///
/// Alone, a node keeps sessions in memory: blocks put are not durable until the upload
/// completes (the store flushes them then), so an upload interrupted by a restart ends in
/// `error`, and no stored map ever names a block a crash could have lost.
///
/// In a cluster (``init(sharedIn:blocks:)``) any node may receive the next block, so sessions
/// live in the shared metadata store instead: each block is made durable before its entry is
/// recorded in the upload's own map (``mapOwner(of:)``), which every node reads and garbage
/// collection on any node counts as a reference.
package actor UploadSessions {
    /// What PutSnapshotBlock checks a block against, copied from the snapshot when its upload
    /// starts. None of it changes while the upload is open, so a block needs no read of the
    /// snapshot from the metadata store.
    struct Target: Sendable {
        var owner: AccountID
        var region: RegionName
        var volumeSize: Int
        var domain: EncryptionDomain
        /// When the upload's Timeout runs out; blocks are refused from then on.
        var deadline: Date

        /// Whether `caller` may put blocks into this upload at `now`.
        func accepts(_ caller: Caller, at now: Date) -> Bool {
            owner == caller.account && region == caller.region && now < deadline
        }
    }

    struct Session {
        var target: Target
        /// Blocks put, by index; ``BlockID/zero`` where the client wrote zeros.
        var entries: [Int: BlockEntry] = [:]
        var progress = 0
    }

    private var sessions: [String: Session] = [:]
    /// The cluster's store and this node's blocks, when sessions are shared.
    private let shared: (store: any MetadataStore, blocks: any BlockStore)?

    /// No uploads yet, kept in memory.
    package init() {
        shared = nil
    }

    /// Sessions kept in `store`, shared by every node of a cluster.
    package init(sharedIn store: any MetadataStore, blocks: any BlockStore) {
        shared = (store, blocks)
    }

    /// The block map an upload's blocks are recorded in while it is open, in a cluster.
    package static func mapOwner(of snapshotID: String) -> String { "upload:\(snapshotID)" }

    func begin(_ snapshot: Snapshot) {
        guard shared == nil else { return }
        let target = Target(
            owner: snapshot.owner,
            region: snapshot.region,
            volumeSize: snapshot.volumeSize,
            domain: snapshot.domain,
            deadline: snapshot.uploadDeadline
        )
        sessions[snapshot.id] = Session(target: target)
    }

    /// The upload of `snapshotID`, if one is open.
    func target(of snapshotID: String) async throws -> Target? {
        guard let shared else { return sessions[snapshotID]?.target }
        let snapshot = try await shared.store.readCommitted { try $0.fetch(Snapshot.self, id: snapshotID) }
        guard let snapshot, snapshot.state == .pending, snapshot.volumeID == Snapshot.directUploadVolumeID else { return nil }
        return Target(
            owner: snapshot.owner,
            region: snapshot.region,
            volumeSize: snapshot.volumeSize,
            domain: snapshot.domain,
            deadline: snapshot.uploadDeadline
        )
    }

    /// Records a block; `false` when the snapshot has no upload in progress.
    func record(_ entry: BlockEntry, in snapshotID: String, progress: Int?) async throws -> Bool {
        if let shared {
            try await shared.blocks.flush()
            return try await shared.store.write { transaction in
                guard var snapshot = try transaction.fetch(Snapshot.self, id: snapshotID), snapshot.state == .pending else { return false }
                try transaction.putBlockEntries([entry], of: Self.mapOwner(of: snapshotID), domain: snapshot.domain.id)
                // Progress is the snapshot's own, so every node describes it.
                if let progress, progress != snapshot.progress {
                    snapshot.progress = progress
                    try transaction.save(snapshot)
                }
                return true
            }
        }
        guard sessions[snapshotID] != nil else { return false }
        sessions[snapshotID]?.entries[entry.index] = entry
        if let progress { sessions[snapshotID]?.progress = progress }
        return true
    }

    func progress(of snapshotID: String) -> Int? { sessions[snapshotID]?.progress }

    /// The blocks put so far, leaving the session open.
    func entries(of snapshotID: String) async throws -> [Int: BlockEntry]? {
        guard let shared else { return sessions[snapshotID]?.entries }
        let entries = try await shared.store.read { try $0.blockMap(of: Self.mapOwner(of: snapshotID), from: 0, limit: nil) }
        return Dictionary(entries.map { ($0.index, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// Ends the session.
    func end(_ snapshotID: String) async throws {
        sessions[snapshotID] = nil
        if let shared {
            try await shared.store.write { try $0.deleteBlockMap(of: Self.mapOwner(of: snapshotID)) }
        }
    }

    /// Every block an upload in progress at `now` refers to: garbage collection must keep them.
    ///
    /// Uploads past their Timeout can no longer complete (blocks and CompleteSnapshot are
    /// refused, and the scheduler marks their snapshots `error`): they are closed here, and
    /// their blocks left to the collector.
    func liveBlocks(at now: Date) -> [(domain: String, id: BlockID)] {
        // Shared sessions are maps in the store, which the collector reads itself.
        sessions = sessions.filter { now < $0.value.target.deadline }
        return sessions.values.flatMap { session in session.entries.values.map { (domain: session.target.domain.id, id: $0.id) } }
    }
}
