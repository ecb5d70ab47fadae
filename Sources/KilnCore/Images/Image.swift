import Foundation

/// An Amazon Machine Image: a root device and block device mapping, who may launch it, and its life cycle.
public struct Image: Sendable, Codable, Equatable {
    /// An image's state. Deprecation is not a state but a time; deregistration protection and
    /// block public access are flags.
    public enum State: String, Sendable, Codable {
        case pending, available, invalid, deregistered, transient, failed, error, disabled
    }

    /// One device of the image: an EBS volume from a snapshot, an instance-store volume, or a suppressed device.
    public struct DeviceMapping: Sendable, Codable, Equatable {
        public var deviceName: String
        /// `ephemeralN` for an instance-store volume.
        public var virtualName: String?
        /// Whether the device is suppressed.
        public var noDevice: Bool
        public var ebs: EBSDevice?

        /// Describes a mapping.
        public init(deviceName: String, virtualName: String? = nil, noDevice: Bool = false, ebs: EBSDevice? = nil) {
            self.deviceName = deviceName
            self.virtualName = virtualName
            self.noDevice = noDevice
            self.ebs = ebs
        }
    }

    /// The EBS part of a mapping.
    public struct EBSDevice: Sendable, Codable, Equatable {
        public var snapshotID: String?
        /// GiB.
        public var volumeSize: Int
        public var volumeType: VolumeType
        public var deleteOnTermination: Bool
        public var encrypted: Bool
        public var kmsKeyID: String?
        public var iops: Int?
        public var throughput: Int?

        /// Describes an EBS device.
        public init(
            snapshotID: String?,
            volumeSize: Int,
            volumeType: VolumeType,
            deleteOnTermination: Bool,
            encrypted: Bool,
            kmsKeyID: String? = nil,
            iops: Int? = nil,
            throughput: Int? = nil
        ) {
            self.snapshotID = snapshotID
            self.volumeSize = volumeSize
            self.volumeType = volumeType
            self.deleteOnTermination = deleteOnTermination
            self.encrypted = encrypted
            self.kmsKeyID = kmsKeyID
            self.iops = iops
            self.throughput = throughput
        }
    }

    /// Who may launch the image, besides its owner.
    public enum LaunchPermission: Sendable, Codable, Hashable {
        /// Everyone: the image is public.
        case all
        /// One account.
        case account(AccountID)
        /// Every account of an organization, by ARN.
        case organization(String)
        /// Every account of an organizational unit, by ARN.
        case organizationalUnit(String)
    }

    /// A product code: Marketplace images carry one of type `marketplace`.
    public struct ProductCode: Sendable, Codable, Equatable {
        public var id: String
        public var type: String

        /// Describes a product code.
        public init(id: String, type: String = "marketplace") {
            self.id = id
            self.type = type
        }
    }

    /// Why an image is in a failed or error state.
    public struct StateReason: Sendable, Codable, Equatable {
        public var code: String
        public var message: String
    }

    public var id: String
    public var owner: AccountID
    public var region: RegionName
    public var name: String
    public var description: String?
    public var state: State
    public var stateReason: StateReason?
    public var creationDate: Date
    public var architecture: String
    public var virtualizationType: String
    public var rootDeviceType: String
    public var rootDeviceName: String?
    public var blockDeviceMappings: [DeviceMapping]
    /// For instance-store images: where the bundle's manifest is.
    public var imageLocation: String?
    /// `amazon` or `aws-marketplace` for AWS's catalogue.
    public var ownerAlias: String?
    public var platform: String?
    public var platformDetails: String
    public var usageOperation: String
    public var productCodes: [ProductCode]
    public var enaSupport: Bool?
    public var sriovNetSupport: String?
    public var bootMode: String?
    public var tpmSupport: String?
    public var imdsSupport: String?
    public var uefiData: String?
    public var kernelID: String?
    public var ramdiskID: String?
    public var deprecationTime: Date?
    public var lastLaunchedTime: Date?
    public var sourceImageID: String?
    public var sourceRegion: String?
    public var sourceInstanceID: String?
    public var launchPermissions: [LaunchPermission]
    /// `disabled`, `enabled-without-cooldown`, `enabled-with-cooldown`, or `disabled-until …`.
    public var deregistrationProtection: DeregistrationProtection
    /// When the image was deregistered.
    public var deregisteredAt: Date?

    /// Whether anyone may launch it.
    public var isPublic: Bool { launchPermissions.contains(.all) }

    /// Whether its deprecation time has passed at `now`.
    public func isDeprecated(at now: Date) -> Bool { deprecationTime.map { $0 <= now } ?? false }

    /// The snapshots its mappings use.
    public var snapshotIDs: [String] { blockDeviceMappings.compactMap { $0.ebs?.snapshotID } }

    /// `ebs` or `instance-store`.
    public var isEBSBacked: Bool { rootDeviceType == "ebs" }

    /// Takes from `source` what makes an image boot the same way: architecture, virtualization,
    /// root device, platform and billing, and firmware and driver support. Copies and restored
    /// images start this way; their own id, name, owner and snapshots stay theirs.
    public mutating func takeBootAttributes(from source: Image) {
        architecture = source.architecture
        virtualizationType = source.virtualizationType
        rootDeviceType = source.rootDeviceType
        rootDeviceName = source.rootDeviceName
        platform = source.platform
        platformDetails = source.platformDetails
        usageOperation = source.usageOperation
        bootMode = source.bootMode
        enaSupport = source.enaSupport
        sriovNetSupport = source.sriovNetSupport
        tpmSupport = source.tpmSupport
        imdsSupport = source.imdsSupport
        uefiData = source.uefiData
    }

    /// Takes what an image made from `instance` inherits: its root device, platform, billing and
    /// boot attributes, and the driver support of `source`, the image it was launched from.
    /// The image starts `pending`.
    mutating func takeAttributes(of instance: Instance, source: Image?) {
        state = .pending
        rootDeviceName = instance.rootDeviceName
        architecture = instance.architecture
        virtualizationType = instance.virtualizationType
        platform = instance.platform
        platformDetails = instance.platformDetails
        usageOperation = instance.usageOperation
        productCodes = instance.productCodes
        bootMode = instance.bootMode
        enaSupport = instance.enaSupport
        kernelID = instance.kernelID
        ramdiskID = instance.ramdiskID
        sriovNetSupport = source?.sriovNetSupport
        tpmSupport = source?.tpmSupport
        imdsSupport = source?.imdsSupport
        sourceInstanceID = instance.id
    }

    /// Points each EBS mapping whose snapshot `replacements` names (by the old snapshot's id) at
    /// the new snapshot, with that snapshot's encryption. Copies and restored images use it.
    public mutating func replaceSnapshots(_ replacements: [String: Snapshot]) {
        for index in blockDeviceMappings.indices {
            guard let old = blockDeviceMappings[index].ebs?.snapshotID, let new = replacements[old] else { continue }
            blockDeviceMappings[index].ebs?.snapshotID = new.id
            blockDeviceMappings[index].ebs?.encrypted = new.encrypted
            blockDeviceMappings[index].ebs?.kmsKeyID = new.kmsKeyID
        }
    }

    /// Creates an image record with the common defaults; callers set the rest.
    public init(id: String, owner: AccountID, region: RegionName, name: String, creationDate: Date) {
        self.id = id
        self.owner = owner
        self.region = region
        self.name = name
        self.state = .available
        self.creationDate = creationDate
        self.architecture = "x86_64"
        self.virtualizationType = "hvm"
        self.rootDeviceType = "ebs"
        self.blockDeviceMappings = []
        self.platformDetails = "Linux/UNIX"
        self.usageOperation = "RunInstances"
        self.productCodes = []
        self.launchPermissions = []
        self.deregistrationProtection = .disabled
    }
}

/// Whether an image may be deregistered, and since when it may again.
public enum DeregistrationProtection: Sendable, Codable, Equatable {
    case disabled
    case enabled(withCooldown: Bool)
    /// Protection was disabled with a cooldown: deregistration stays refused until then.
    case disabledUntil(Date)


    /// Whether deregistration is refused at `now`.
    public func blocks(at now: Date) -> Bool {
        switch self {
        case .disabled: return false
        case .enabled: return true
        case .disabledUntil(let date): return date > now
        }
    }
}
