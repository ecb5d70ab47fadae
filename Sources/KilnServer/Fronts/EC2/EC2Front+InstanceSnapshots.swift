import KilnCore
import KilnWire

extension EC2Front {
    /// CreateSnapshots: the EBS volumes of an instance, crash-consistent.
    static func registerInstanceSnapshots(in operations: inout OperationTable, cloud: Cloud) {
        operations.on(EC2.CreateSnapshots.self) { input, caller in
            let specification = input.instanceSpecification
            let request = InstanceSnapshotRequest(
                instanceID: specification.instanceId,
                excludeBootVolume: specification.excludeBootVolume ?? false,
                excludeDataVolumeIDs: specification.excludeDataVolumeIds ?? [],
                description: input.description,
                tags: try tags(of: input.tagSpecifications, for: "snapshot"),
                copyTagsFromVolume: input.copyTagsFromSource?.rawValue == "volume"
            )
            let created = try await cloud.snapshots.createSnapshots(caller, request)
            return EC2.CreateSnapshotsResult(
                snapshots: created.map { snapshot, tags in
                    EC2.SnapshotInfo(
                        description: snapshot.description,
                        encrypted: snapshot.encrypted,
                        ownerId: snapshot.owner.rawValue,
                        progress: "\(snapshot.progress)%",
                        snapshotId: snapshot.id,
                        startTime: snapshot.startTime,
                        state: .init(rawValue: snapshot.state.rawValue),
                        tags: wireTags(tags),
                        volumeId: snapshot.volumeID,
                        volumeSize: snapshot.volumeSize
                    )
                }
            )
        }
    }
}
