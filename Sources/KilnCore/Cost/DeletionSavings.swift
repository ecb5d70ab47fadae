/// What deleting snapshots takes off the bill, exactly: each deleted snapshot's own changed
/// blocks, less what its surviving children are then billed for again, measured against
/// their nearest surviving ancestor (as ``MetadataTransaction/billSnapshotsThatNeeded(_:)``
/// does when a snapshot is deleted).
struct DeletionSavings {
    /// The account's snapshots in the region, by id.
    let snapshots: [String: Snapshot]
    let transaction: any MetadataTransaction

    init(snapshots: [Snapshot], transaction: any MetadataTransaction) {
        self.snapshots = Dictionary(snapshots.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.transaction = transaction
    }

    /// The bytes the bill would lose if the snapshots `deleted` were deleted.
    func saving(deleting deleted: Set<String>) throws -> Int64 {
        guard !deleted.isEmpty else { return 0 }
        var saving: Int64 = 0
        for id in deleted { saving += snapshots[id]?.storage?.changedBytes ?? 0 }
        for child in snapshots.values where !deleted.contains(child.id) {
            guard let parentID = child.parentID, deleted.contains(parentID), let storage = child.storage else { continue }
            var ancestor = snapshots[parentID]
            while let current = ancestor, deleted.contains(current.id) {
                ancestor = current.parentID.flatMap { snapshots[$0] ?? (try? transaction.fetch(Snapshot.self, id: $0)) }
            }
            let remeasured = try transaction.changedEntries(of: child.id, domain: child.domain, against: ancestor)
            saving -= Int64(remeasured.count) * Int64(Block.size) - storage.changedBytes
        }
        return saving
    }
}
