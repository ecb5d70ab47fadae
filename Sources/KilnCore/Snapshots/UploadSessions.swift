import Foundation

/// The blocks of EBS direct uploads in progress, kept until CompleteSnapshot writes them
/// into the snapshot's map.
///
/// Sessions live in memory: blocks put are not durable until the upload completes (the
/// store flushes them then), so an upload interrupted by a restart ends in `error`, and no
/// stored map ever names a block a crash could have lost.
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

    /// No uploads yet.
    package init() {}

    func begin(_ snapshot: Snapshot) {
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
    func target(of snapshotID: String) -> Target? { sessions[snapshotID]?.target }

    /// Records a block; `false` when the snapshot has no upload in progress.
    func record(_ entry: BlockEntry, in snapshotID: String, progress: Int?) -> Bool {
        guard sessions[snapshotID] != nil else { return false }
        sessions[snapshotID]?.entries[entry.index] = entry
        if let progress { sessions[snapshotID]?.progress = progress }
        return true
    }

    func progress(of snapshotID: String) -> Int? { sessions[snapshotID]?.progress }

    /// The blocks put so far, leaving the session open.
    func entries(of snapshotID: String) -> [Int: BlockEntry]? { sessions[snapshotID]?.entries }

    /// Ends the session.
    func end(_ snapshotID: String) {
        sessions[snapshotID] = nil
    }

    /// Every block an upload in progress at `now` refers to: garbage collection must keep them.
    ///
    /// Uploads past their Timeout can no longer complete (blocks and CompleteSnapshot are
    /// refused, and the scheduler marks their snapshots `error`): they are closed here, and
    /// their blocks left to the collector.
    func liveBlocks(at now: Date) -> [(domain: String, id: BlockID)] {
        sessions = sessions.filter { now < $0.value.target.deadline }
        return sessions.values.flatMap { session in session.entries.values.map { (domain: session.target.domain.id, id: $0.id) } }
    }
}
