import Foundation

/// An EBS volume: a block device in one availability zone.
public struct Volume: StoredResource, Equatable {
    public static let kind = ResourcePrefix.volume

    /// A volume's life cycle: `creating` → `available` ⇄ `in-use`, then `deleting` → gone.
    public enum State: String, Sendable, Codable {
        case creating
        case available
        case inUse = "in-use"
        case deleting
        case deleted
        case error
    }

    public var id: String
    public var owner: AccountID
    public var region: RegionName
    /// The zone the volume lives in.
    public var availabilityZone: String
    /// Size in GiB.
    public var size: Int
    /// The performance class and the limits that go with it.
    public var type: VolumeType
    /// Provisioned (io1, io2, gp3) or baseline (gp2) I/O operations per second.
    public var iops: Int?
    /// Provisioned throughput in MiB/s (gp3 only).
    public var throughput: Int?
    /// Whether the volume's data is encrypted.
    public var encrypted: Bool
    /// The KMS key that encrypts it.
    public var kmsKeyID: String?
    /// The snapshot it was created from, if any.
    public var snapshotID: String?
    /// Where it is in its life cycle.
    public var state: State
    /// When CreateVolume was called.
    public var createTime: Date
    /// Whether several instances may attach it at once (io1 and io2 only).
    public var multiAttachEnabled: Bool
    /// The latest snapshot taken of it: the parent of the next one.
    public var lastSnapshotID: String?
    /// The domain of the blocks it inherits from its snapshot. Kept on the volume because the
    /// snapshot may be deleted while the volume lives on.
    public var sourceDomain: EncryptionDomain?

    /// The instance it is attached to, if any.
    public var attachment: Attachment?
    /// For the root volume of an instance-store-backed instance: that instance. Such a volume
    /// is the instance's own disk: DescribeVolumes does not show it and it goes with the instance.
    public var ephemeralOf: String?

    /// An attachment to an instance.
    public struct Attachment: Sendable, Codable, Equatable {
        public var instanceID: String
        public var device: String
        public var attachTime: Date
        public var deleteOnTermination: Bool

        /// Describes an attachment.
        public init(instanceID: String, device: String, attachTime: Date, deleteOnTermination: Bool) {
            self.instanceID = instanceID
            self.device = device
            self.attachTime = attachTime
            self.deleteOnTermination = deleteOnTermination
        }
    }

    /// The domain of the blocks written to it.
    public var domain: EncryptionDomain {
        guard encrypted, let kmsKeyID else { return .unencrypted(region) }
        return .encrypted(region, account: owner, kmsKeyARN: kmsKeyID)
    }

    /// Creates a volume record.
    public init(
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
