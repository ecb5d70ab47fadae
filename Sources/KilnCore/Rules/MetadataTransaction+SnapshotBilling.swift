/// What each snapshot stores and is billed for.
///
/// A snapshot is billed, as in EC2, for the blocks that differ from its parent's: the first
/// snapshot of a lineage for all its blocks, each later one for its change. Deleting a
/// snapshot removes only what no other snapshot needs, so the snapshots that took blocks from
/// it are then billed for them: each is measured again against the deleted snapshot's own
/// parent, or in full when there is none.
extension MetadataTransaction {
    /// What a snapshot stores, given the blocks that are new in it.
    func measure(snapshotID: String, changed: [BlockEntry], domain: EncryptionDomain) throws
        -> SnapshotStorage
    {
        let count = try blockCount(of: snapshotID)
        let stored = try storedBytes(of: Set(changed.map(\.id)), domain: domain.id)
        return SnapshotStorage(
            blockCount: count,
            logicalBytes: Int64(count) * Int64(Block.size),
            changedBlockCount: changed.count,
            changedBytes: Int64(changed.count) * Int64(Block.size),
            storedChangedBytes: stored
        )
    }

    /// The entries of `snapshotID`'s map whose block differs from `parent`'s at the same
    /// index: all of them without a parent, or with one in another encryption domain (whose
    /// blocks this snapshot does not share).
    func changedEntries(of snapshotID: String, domain: EncryptionDomain, against parent: Snapshot?)
        throws -> [BlockEntry]
    {
        let map = try blockMap(of: snapshotID, from: 0, limit: nil)
        guard let parent, parent.domain == domain else { return map }
        let parentMap = try blockMap(of: parent.id, from: 0, limit: nil)
        let parentBlocks = Dictionary(parentMap.map { ($0.index, $0.id) }, uniquingKeysWith: { first, _ in first })
        return map.filter { parentBlocks[$0.index] != $0.id }
    }

    /// Records `childID` as incremental to the snapshot `parentID`.
    func recordChild(_ childID: String, of parentID: String) throws {
        guard var parent = try fetch(Snapshot.self, id: parentID), parent.childIDs != nil else { return }
        parent.childIDs?.append(childID)
        try save(parent)
    }

    /// After `deleted` is gone: its children become children of its parent, and those already
    /// completed are measured again, so that they are billed for the blocks they took from it.
    func billSnapshotsThatNeeded(_ deleted: Snapshot) throws {
        let children: [Snapshot]
        if let ids = deleted.childIDs {
            children = try ids.compactMap { try fetch(Snapshot.self, id: $0) }.filter { $0.parentID == deleted.id }
        } else {
            // Recorded before snapshots listed their children.
            children = try fetchAll(Snapshot.self, region: deleted.region, owner: nil).filter { $0.parentID == deleted.id }
        }
        let grandparent = try deleted.parentID.flatMap { try fetch(Snapshot.self, id: $0) }
        if var grandparent, grandparent.childIDs != nil {
            grandparent.childIDs = (grandparent.childIDs ?? []).filter { $0 != deleted.id } + children.map(\.id)
            try save(grandparent)
        }
        for var child in children {
            child.parentID = grandparent?.id
            if child.storage != nil {
                let changed = try changedEntries(of: child.id, domain: child.domain, against: grandparent)
                child.storage = try measure(snapshotID: child.id, changed: changed, domain: child.domain)
            }
            try save(child)
        }
    }
}
