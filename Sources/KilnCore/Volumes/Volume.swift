import Foundation

/// An EBS volume: a block device in one availability zone.
package struct Volume: StoredResource, Equatable {
    package static let kind = ResourcePrefix.volume

    /// A volume's life cycle: `creating` → `available` ⇄ `in-use`, then `deleting` → gone.
    package enum State: String, Sendable, Codable {
        case creating
        case available
        case inUse = "in-use"
        case deleting
        case deleted
        case error
    }

    package var id: String
    package var owner: AccountID
    package var region: RegionName
    /// The zone the volume lives in.
    package var availabilityZone: String
    /// Size in GiB.
    package var size: Int
    /// The performance class and the limits that go with it.
    package var type: VolumeType
    /// Provisioned (io1, io2, gp3) or baseline (gp2) I/O operations per second.
    package var iops: Int?
    /// Provisioned throughput in MiB/s (gp3 only).
    package var throughput: Int?
    /// Whether the volume's data is encrypted.
    package var encrypted: Bool
    /// The KMS key that encrypts it.
    package var kmsKeyID: String?
    /// The snapshot it was created from, if any.
    package var snapshotID: String?
    /// Where it is in its life cycle.
    package var state: State
    /// When CreateVolume was called.
    package var createTime: Date
    /// Whether several instances may attach it at once (io1 and io2 only).
    package var multiAttachEnabled: Bool
    /// The latest snapshot taken of it: the parent of the next one.
    package var lastSnapshotID: String?
    /// The domain of the blocks it inherits from its snapshot. Kept on the volume because the
    /// snapshot may be deleted while the volume lives on.
    package var sourceDomain: EncryptionDomain?

    /// The instance it is attached to, if any.
    package var attachment: Attachment?
    /// For the root volume of an instance-store-backed instance: that instance. Such a volume
    /// is the instance's own disk: DescribeVolumes does not show it and it goes with the instance.
    package var ephemeralOf: String?

    /// An attachment to an instance.
    package struct Attachment: Sendable, Codable, Equatable {
        package var instanceID: String
        package var device: String
        package var attachTime: Date
        package var deleteOnTermination: Bool

        /// Describes an attachment.
        package init(instanceID: String, device: String, attachTime: Date, deleteOnTermination: Bool) {
            self.instanceID = instanceID
            self.device = device
            self.attachTime = attachTime
            self.deleteOnTermination = deleteOnTermination
        }
    }

    /// The domain of the blocks written to it.
    package var domain: EncryptionDomain {
        guard encrypted, let kmsKeyID else { return .unencrypted(region) }
        return .encrypted(region, account: owner, kmsKeyARN: kmsKeyID)
    }

    /// Creates a volume record.
    package init(
        id: String,
        owner: AccountID,
        region: RegionName,
        availabilityZone: String,
        size: Int,
        type: VolumeType,
        iops: Int?,
        throughput: Int?,
        encrypted: Bool,
        kmsKeyID: String?,
        snapshotID: String?,
        state: State,
        createTime: Date,
        multiAttachEnabled: Bool
    ) {
        self.id = id
        self.owner = owner
        self.region = region
        self.availabilityZone = availabilityZone
        self.size = size
        self.type = type
        self.iops = iops
        self.throughput = throughput
        self.encrypted = encrypted
        self.kmsKeyID = kmsKeyID
        self.snapshotID = snapshotID
        self.state = state
        self.createTime = createTime
        self.multiAttachEnabled = multiAttachEnabled
    }
}
