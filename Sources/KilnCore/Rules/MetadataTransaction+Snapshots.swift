/// The rules about snapshots that several services apply inside their transactions.
extension MetadataTransaction {
    /// A snapshot the caller owns, or that is shared with it or public, in its region; EC2's
    /// not-found error otherwise.
    func visibleSnapshot(_ id: String, caller: Caller) throws -> Snapshot {
        guard ResourcePrefix.snapshot.matches(id) else { throw CloudError.malformedSnapshotID(id) }
        guard let snapshot = try fetch(Snapshot.self, id: id), snapshot.isUsable(by: caller.account),
            snapshot.region == caller.region
        else { throw CloudError.ec2SnapshotNotFound([id]) }
        return snapshot
    }

    /// A snapshot the caller owns; someone else's visible snapshot is refused.
    func ownSnapshot(_ id: String, caller: Caller) throws -> Snapshot {
        let snapshot = try visibleSnapshot(id, caller: caller)
        guard snapshot.owner == caller.account else {
            throw CloudError.snapshotNotOwned(id)
        }
        return snapshot
    }

    /// Takes a snapshot out of the records, for DeleteSnapshot and for DeregisterImage with
    /// DeleteAssociatedSnapshots: its client-token claim goes with it, the snapshots that took
    /// blocks from it are billed for them, and its map stays while volumes made from it still
    /// read it (it goes with the last of them).
    func remove(_ snapshot: Snapshot) throws {
        try delete(Snapshot.self, id: snapshot.id)
        if let token = snapshot.clientToken {
            try releaseClientToken(token, of: .startSnapshot, account: snapshot.owner, region: snapshot.region)
        }
        try billSnapshotsThatNeeded(snapshot)
        if try !hasDependentVolumes(snapshot.id, region: snapshot.region) {
            try deleteBlockMap(of: snapshot.id)
        }
    }
}
