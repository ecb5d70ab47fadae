import Foundation

/// CreateSnapshots: crash-consistent snapshots of the EBS volumes attached to an instance.
extension SnapshotService {
    /// A `pending` snapshot of each chosen volume of the instance, all recorded in one
    /// transaction, so that they hold the volumes' blocks at one and the same moment.
    package func createSnapshots(_ caller: Caller, _ request: InstanceSnapshotRequest) async throws -> [(Snapshot, [Tag])] {
        for tag in request.tags { try tag.validate() }
        for id in request.excludeDataVolumeIDs where !ResourcePrefix.volume.matches(id) {
            throw CloudError.malformedVolumeID(id)
        }
        let volumes = try await read(caller) { transaction in
            try chosenVolumes(request, caller: caller, in: transaction)
        }
        try await context.runtime.settleVolumes(volumes.map(\.id))
        var inherited: [String: [BlockEntry]] = [:]
        for volume in volumes { inherited[volume.id] = try await inheritedEntries(of: volume, caller: caller) }
        try await blocks.flush()
        let snapshotIDs = Dictionary(uniqueKeysWithValues: volumes.map { ($0.id, ids.resourceID(.snapshot)) })
        let now = clock.now
        let chosen = inherited
        let created: [(Snapshot, [Tag])] = try await write(caller) { transaction in
            // The instance's devices are read again: a volume detached meanwhile is left out.
            let current = Set(try chosenVolumes(request, caller: caller, in: transaction).map(\.id))
            var created: [(Snapshot, [Tag])] = []
            for volume in volumes where current.contains(volume.id) {
                guard let id = snapshotIDs[volume.id] else { continue }
                let snapshot = try recordSnapshot(
                    of: volume.id,
                    id: id,
                    caller: caller,
                    description: request.description ?? "",
                    inherited: chosen[volume.id] ?? [],
                    now: now,
                    in: transaction
                )
                var tags = request.copyTagsFromVolume ? try transaction.tags(on: volume.id, by: caller.account) : []
                for tag in request.tags {
                    tags.removeAll { $0.key == tag.key }
                    tags.append(tag)
                }
                for tag in tags {
                    try transaction.putTag(tag, on: id, resourceType: "snapshot", by: caller.account, region: caller.region)
                }
                created.append((snapshot, tags))
            }
            return created
        }
        try await recordLatest(Dictionary(uniqueKeysWithValues: created.map { ($0.0.volumeID, $0.0.id) }))
        return created
    }

    /// The volumes of the instance that the request keeps, in device order.
    private func chosenVolumes(_ request: InstanceSnapshotRequest, caller: Caller, in transaction: any MetadataTransaction) throws -> [Volume] {
        let instance = try context.instances.ownedInstance(request.instanceID, caller: caller, in: transaction)
        let attached = Set(instance.devices.map(\.volumeID))
        for id in request.excludeDataVolumeIDs where !attached.contains(id) {
            guard try transaction.fetch(Volume.self, id: id).map({ $0.owner == caller.account && $0.region == caller.region }) == true else {
                throw CloudError.volumeNotFound([id])
            }
            throw CloudError.volumeNotAttached(id, instance.id)
        }
        let excluded = Set(request.excludeDataVolumeIDs)
        return try instance.devices.compactMap { device in
            if request.excludeBootVolume, device.deviceName == instance.rootDeviceName { return nil }
            if excluded.contains(device.volumeID) { return nil }
            return try transaction.fetch(Volume.self, id: device.volumeID)
        }
    }
}
