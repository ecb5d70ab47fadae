/// The rules about volumes that several services apply inside their transactions.
extension MetadataTransaction {
    /// A volume the caller owns in its region that is not being deleted.
    func liveVolume(_ id: String, caller: Caller) throws -> Volume {
        guard let volume = try fetch(Volume.self, id: id), volume.owner == caller.account, volume.region == caller.region,
            volume.state != .deleted, volume.state != .deleting
        else {
            throw CloudError.volumeNotFound([id])
        }
        return volume
    }

    /// Whether a live volume was created from `snapshotID` and so still reads its blocks.
    func hasDependentVolumes(_ snapshotID: String, region: RegionName) throws -> Bool {
        try fetchAll(Volume.self, region: region, owner: nil).contains { $0.snapshotID == snapshotID && $0.state != .deleted }
    }

    /// Takes a volume out of the records with its own blocks' map. A deleted snapshot's map
    /// stays while volumes made from it live; the last of them takes it along.
    func remove(_ volume: Volume) throws {
        try delete(Volume.self, id: volume.id)
        try deleteBlockMap(of: volume.id)
        if let sourceID = volume.snapshotID, try fetch(Snapshot.self, id: sourceID) == nil,
            try !hasDependentVolumes(sourceID, region: volume.region)
        {
            try deleteBlockMap(of: sourceID)
        }
    }
}
