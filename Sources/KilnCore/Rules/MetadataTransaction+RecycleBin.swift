import Foundation

/// The Recycle Bin's rules inside transactions: which rule keeps a resource being deleted, and
/// moving a snapshot into the bin.
extension MetadataTransaction {
    /// The longest retention, in days, of the rules of `owner` in `region` that keep a
    /// resource of `type` carrying `tags`; `nil` when none does.
    func recycleBinRetention(_ type: RecycleBinRule.ResourceType, tags: [Tag], owner: AccountID, region: RegionName) throws -> Int? {
        try fetchAll(RecycleBinRule.self, region: region, owner: owner)
            .filter { $0.resourceType == type && $0.retains(tags) }
            .map(\.retentionDays)
            .max()
    }

    /// Deletes a snapshot as DeleteSnapshot does, into the Recycle Bin when a rule keeps it:
    /// there it leaves the records (the snapshots that took blocks from it are billed for
    /// them), but its map stays until its retention ends.
    func deleteOrRecycle(_ snapshot: Snapshot, now: Date) throws {
        let tags = try self.tags(on: snapshot.id, by: snapshot.owner)
        guard let days = try recycleBinRetention(.snapshot, tags: tags, owner: snapshot.owner, region: snapshot.region) else {
            try remove(snapshot)
            return
        }
        try delete(Snapshot.self, id: snapshot.id)
        if let token = snapshot.clientToken {
            try releaseClientToken(token, of: .startSnapshot, account: snapshot.owner, region: snapshot.region)
        }
        try billSnapshotsThatNeeded(snapshot)
        let exit = now + TimeInterval(days) * RecycleBinService.secondsPerDay
        try save(
            RecycledSnapshot(id: snapshot.id, owner: snapshot.owner, region: snapshot.region, snapshot: snapshot, enterTime: now, exitTime: exit)
        )
        try insert(ScheduledTransition(kind: .recycleBinExpired, resourceID: snapshot.id, due: exit))
    }

    /// Keeps a deregistered image in the Recycle Bin when a rule says so; returns whether it did.
    func recycleIfRetained(_ image: inout Image, now: Date) throws -> Bool {
        let tags = try self.tags(on: image.id, by: image.owner)
        guard let days = try recycleBinRetention(.image, tags: tags, owner: image.owner, region: image.region) else { return false }
        let exit = now + TimeInterval(days) * RecycleBinService.secondsPerDay
        image.recycleBinEnterTime = now
        image.recycleBinExitTime = exit
        try insert(ScheduledTransition(kind: .recycleBinExpired, resourceID: image.id, due: exit))
        return true
    }
}
