/// The blocks of EBS direct uploads in progress, kept until CompleteSnapshot writes them
/// into the snapshot's map.
///
/// Sessions live in memory: blocks put are not durable until the upload completes (the
/// store flushes them then), so an upload interrupted by a restart ends in `error`, and no
/// stored map ever names a block a crash could have lost.
public actor UploadSessions {
    struct Session {
        var domain: EncryptionDomain
        /// Blocks put, by index; ``BlockID/zero`` where the client wrote zeros.
        var entries: [Int: BlockEntry] = [:]
        var progress = 0
    }

    private var sessions: [String: Session] = [:]

    /// No uploads yet.
    public init() {}

    func begin(_ snapshotID: String, domain: EncryptionDomain) {
        sessions[snapshotID] = Session(domain: domain)
    }

    /// Records a block; `false` when the snapshot has no upload in progress.
    func record(_ entry: BlockEntry, in snapshotID: String, progress: Int?) -> Bool {
        guard sessions[snapshotID] != nil else { return false }
        sessions[snapshotID]?.entries[entry.index] = entry
        if let progress { sessions[snapshotID]?.progress = progress }
        return true
    }

    func isOpen(_ snapshotID: String) -> Bool { sessions[snapshotID] != nil }

    func progress(of snapshotID: String) -> Int? { sessions[snapshotID]?.progress }

    /// The blocks put so far, leaving the session open.
    func entries(of snapshotID: String) -> [Int: BlockEntry]? { sessions[snapshotID]?.entries }

    /// Ends the session.
    func end(_ snapshotID: String) {
        sessions[snapshotID] = nil
    }

    /// Every block an upload in progress refers to: garbage collection must keep them.
    public func liveBlocks() -> [(domain: String, id: BlockID)] {
        sessions.values.flatMap { session in session.entries.values.map { (domain: session.domain.id, id: $0.id) } }
    }
}
