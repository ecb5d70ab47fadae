import Foundation

/// An Amazon Machine Image: a root device and block device mapping, who may launch it, and its life cycle.
package struct Image: Sendable, Codable, Equatable {
    /// An image's state. Deprecation is not a state but a time; deregistration protection and
    /// block public access are flags.
    package enum State: String, Sendable, Codable {
        case pending, available, invalid, deregistered, transient, failed, error, disabled
    }

    /// One device of the image: an EBS volume from a snapshot, an instance-store volume, or a suppressed device.
    package struct DeviceMapping: Sendable, Codable, Equatable {
        package var deviceName: String
        /// `ephemeralN` for an instance-store volume.
        package var virtualName: String?
        /// Whether the device is suppressed.
        package var noDevice: Bool
        package var ebs: EBSDevice?

        /// Describes a mapping.
        package init(deviceName: String, virtualName: String? = nil, noDevice: Bool = false, ebs: EBSDevice? = nil) {
            self.deviceName = deviceName
            self.virtualName = virtualName
            self.noDevice = noDevice
            self.ebs = ebs
        }
    }

    /// The EBS part of a mapping.
    package struct EBSDevice: Sendable, Codable, Equatable {
        package var snapshotID: String?
        /// GiB.
        package var volumeSize: Int
        package var volumeType: VolumeType
        package var deleteOnTermination: Bool
        package var encrypted: Bool
        package var kmsKeyID: String?
        package var iops: Int?
        package var throughput: Int?

        /// Describes an EBS device.
        package init(
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
    package enum LaunchPermission: Sendable, Codable, Hashable {
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
    package struct ProductCode: Sendable, Codable, Equatable {
        package var id: String
        package var type: String

        /// Describes a product code.
        package init(id: String, type: String = "marketplace") {
            self.id = id
            self.type = type
        }
    }

    /// Why an image is in a failed or error state.
    package struct StateReason: Sendable, Codable, Equatable {
        package var code: String
        package var message: String
    }

    package var id: String
    package var owner: AccountID
    package var region: RegionName
    package var name: String
    package var description: String?
    package var state: State
    package var stateReason: StateReason?
    package var creationDate: Date
    package var architecture: String
    package var virtualizationType: String
    package var rootDeviceType: String
    package var rootDeviceName: String?
    package var blockDeviceMappings: [DeviceMapping]
    /// For instance-store images: where the bundle's manifest is.
    package var imageLocation: String?
    /// `amazon` or `aws-marketplace` for AWS's catalogue.
    package var ownerAlias: String?
    package var platform: String?
    package var platformDetails: String
    package var usageOperation: String
    package var productCodes: [ProductCode]
    package var enaSupport: Bool?
    package var sriovNetSupport: String?
    package var bootMode: String?
    package var tpmSupport: String?
    package var imdsSupport: String?
    package var uefiData: String?
    package var kernelID: String?
    package var ramdiskID: String?
    package var deprecationTime: Date?
    package var lastLaunchedTime: Date?
    package var sourceImageID: String?
    package var sourceRegion: String?
    package var sourceInstanceID: String?
    package var launchPermissions: [LaunchPermission]
    /// `disabled`, `enabled-without-cooldown`, `enabled-with-cooldown`, or `disabled-until …`.
    package var deregistrationProtection: DeregistrationProtection
    /// When the image was deregistered.
    package var deregisteredAt: Date?
    /// Whether every region has an image of this id (moto's catalogue): the store then files
    /// it under its id and region, ``storageKey``.
    package var idSharedAcrossRegions: Bool?

    /// The key the store files the image under: its id, or its id and region when every region
    /// has an image of this id.
    package var storageKey: String { idSharedAcrossRegions == true ? Self.regionalKey(id, region: region) : id }

    /// The id of the image a storage key names.
    package static func id(ofStorageKey key: String) -> String {
        key.firstIndex(of: "@").map { String(key[..<$0]) } ?? key
    }

    /// The key of an image whose id every region shares.
    package static func regionalKey(_ id: String, region: RegionName) -> String { "\(id)@\(region.rawValue)" }

    /// While a Recycle Bin rule keeps the deregistered image: when it entered the bin.
    package var recycleBinEnterTime: Date?
    /// While a Recycle Bin rule keeps the deregistered image: when it leaves the bin for good.
    package var recycleBinExitTime: Date?

    /// Whether anyone may launch it.
    package var isPublic: Bool { launchPermissions.contains(.all) }

    /// Whether its deprecation time has passed at `now`.
    package func isDeprecated(at now: Date) -> Bool { deprecationTime.map { $0 <= now } ?? false }

    /// The snapshots its mappings use.
    package var snapshotIDs: [String] { blockDeviceMappings.compactMap { $0.ebs?.snapshotID } }

    /// `ebs` or `instance-store`.
    package var isEBSBacked: Bool { rootDeviceType == "ebs" }

    /// Takes from `source` what makes an image boot the same way: architecture, virtualization,
    /// root device, platform and billing, and firmware and driver support. Copies and restored
    /// images start this way; their own id, name, owner and snapshots stay theirs.
    package mutating func takeBootAttributes(from source: Image) {
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
    package mutating func replaceSnapshots(_ replacements: [String: Snapshot]) {
        for index in blockDeviceMappings.indices {
            guard let old = blockDeviceMappings[index].ebs?.snapshotID, let new = replacements[old] else { continue }
            blockDeviceMappings[index].ebs?.snapshotID = new.id
            blockDeviceMappings[index].ebs?.encrypted = new.encrypted
            blockDeviceMappings[index].ebs?.kmsKeyID = new.kmsKeyID
        }
    }

    /// Creates an image record with the common defaults; callers set the rest.
    package init(id: String, owner: AccountID, region: RegionName, name: String, creationDate: Date) {
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
package enum DeregistrationProtection: Sendable, Codable, Equatable {
    case disabled
    case enabled(withCooldown: Bool)
    /// Protection was disabled with a cooldown: deregistration stays refused until then.
    case disabledUntil(Date)

    /// Whether deregistration is refused at `now`.
    package func blocks(at now: Date) -> Bool {
        switch self {
        case .disabled: return false
        case .enabled: return true
        case .disabledUntil(let date): return date > now
        }
    }
}
