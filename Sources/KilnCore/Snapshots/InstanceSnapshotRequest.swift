/// What CreateSnapshots asks for: a snapshot of each EBS volume attached to an instance,
/// less the boot volume or named data volumes, with tags given and copied from each volume.
package struct InstanceSnapshotRequest: Sendable {
    package var instanceID: String
    package var excludeBootVolume: Bool
    package var excludeDataVolumeIDs: [String]
    package var description: String?
    /// Tags for every snapshot.
    package var tags: [Tag]
    /// Whether each snapshot also gets its volume's tags (`CopyTagsFromSource=volume`).
    package var copyTagsFromVolume: Bool

    /// Describes a CreateSnapshots request.
    package init(
        instanceID: String,
        excludeBootVolume: Bool = false,
        excludeDataVolumeIDs: [String] = [],
        description: String? = nil,
        tags: [Tag] = [],
        copyTagsFromVolume: Bool = false
    ) {
        self.instanceID = instanceID
        self.excludeBootVolume = excludeBootVolume
        self.excludeDataVolumeIDs = excludeDataVolumeIDs
        self.description = description
        self.tags = tags
        self.copyTagsFromVolume = copyTagsFromVolume
    }
}
