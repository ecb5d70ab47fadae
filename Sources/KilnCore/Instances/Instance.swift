import Foundation

/// An EC2 instance: a machine launched from an image, with the volumes its mappings made.
public struct Instance: StoredResource, Equatable {
    public static let kind = ResourcePrefix.instance

    /// An instance's life cycle (see ``Cloud/runInstances(_:_:)``):
    /// `pending` → `running` ⇄ (`stopping` → `stopped` → `pending`), and from any of them
    /// `shutting-down` → `terminated`.
    public enum State: String, Sendable, Codable {
        case pending
        case running
        case shuttingDown = "shutting-down"
        case terminated
        case stopping
        case stopped

        /// The code EC2 shows with the name.
        public var code: Int {
            switch self {
            case .pending: return 0
            case .running: return 16
            case .shuttingDown: return 32
            case .terminated: return 48
            case .stopping: return 64
            case .stopped: return 80
            }
        }
    }

    /// A volume attached to the instance as one of its devices.
    public struct Device: Sendable, Codable, Equatable {
        public var deviceName: String
        public var volumeID: String
        public var deleteOnTermination: Bool
        public var attachTime: Date

        /// Describes an attached device.
        public init(deviceName: String, volumeID: String, deleteOnTermination: Bool, attachTime: Date) {
            self.deviceName = deviceName
            self.volumeID = volumeID
            self.deleteOnTermination = deleteOnTermination
            self.attachTime = attachTime
        }
    }

    /// Why the instance last changed state, as `StateReason` shows it.
    public struct StateReason: Sendable, Codable, Equatable {
        public var code: String
        public var message: String

        /// Describes a reason.
        public init(code: String, message: String) {
            self.code = code
            self.message = message
        }
    }

    /// The launch template an instance came from.
    public struct TemplateReference: Sendable, Codable, Equatable {
        public var id: String
        public var version: Int
    }

    public var id: String
    public var owner: AccountID
    public var region: RegionName
    /// The reservation: every instance of one RunInstances call shares it.
    public var reservationID: String
    /// Its position within the reservation.
    public var launchIndex: Int
    public var imageID: String
    public var instanceType: String
    public var architecture: String
    public var availabilityZone: String
    public var state: State
    public var stateReason: StateReason?
    /// Why the state last changed, in EC2's words (`User initiated (2024-01-02 03:04:05 GMT)`).
    public var stateTransitionReason: String
    public var launchTime: Date
    public var keyName: String?
    /// Base64 text, as given.
    public var userData: String?
    /// `ebs` or `instance-store`.
    public var rootDeviceType: String
    public var rootDeviceName: String
    /// The EBS volumes attached to it.
    public var devices: [Device]
    /// For an instance-store-backed instance: the ephemeral volume its root device is, which
    /// lives only as long as the instance runs.
    public var ephemeralRootVolumeID: String?
    public var clientToken: String?
    public var privateIPAddress: String
    public var platform: String?
    public var platformDetails: String
    public var usageOperation: String
    public var productCodes: [Image.ProductCode]
    public var virtualizationType: String
    public var hypervisor: String
    public var bootMode: String?
    public var enaSupport: Bool?
    public var kernelID: String?
    public var ramdiskID: String?
    public var launchTemplate: TemplateReference?
    public var disableApiTermination: Bool
    public var disableApiStop: Bool
    /// `stop` or `terminate`: what a shutdown from inside the instance does.
    public var shutdownBehavior: ShutdownBehavior
    public var ebsOptimized: Bool
    public var securityGroupIDs: [String]
    /// Its subnet, primary network interface, addresses and groups; `nil` for instances
    /// recorded before Kiln had networks.
    public var network: InstanceNetwork?
    /// How many times it has booted: launch, each start and each reboot.
    public var bootCount: Int
    /// When it reached `terminated`, after which it stays visible for an hour.
    public var terminatedAt: Date?

    /// Whether its root device is an EBS volume.
    public var isEBSBacked: Bool { rootDeviceType == "ebs" }

    /// The private DNS name EC2 derives from the address.
    public var privateDNSName: String {
        "ip-\(privateIPAddress.replacingOccurrences(of: ".", with: "-")).\(region == "us-east-1" ? "ec2.internal" : "\(region).compute.internal")"
    }

    /// Creates an instance record; callers set the rest.
    public init(
        id: String, owner: AccountID, region: RegionName, reservationID: String, launchIndex: Int, image: Image, instanceType: String,
        availabilityZone: String, launchTime: Date, privateIPAddress: String
    ) {
        self.id = id
        self.owner = owner
        self.region = region
        self.reservationID = reservationID
        self.launchIndex = launchIndex
        self.imageID = image.id
        self.instanceType = instanceType
        self.architecture = image.architecture
        self.availabilityZone = availabilityZone
        self.state = .pending
        self.stateTransitionReason = ""
        self.launchTime = launchTime
        self.rootDeviceType = image.rootDeviceType
        self.rootDeviceName = image.rootDeviceName ?? "/dev/xvda"
        self.devices = []
        self.privateIPAddress = privateIPAddress
        self.platform = image.platform
        self.platformDetails = image.platformDetails
        self.usageOperation = image.usageOperation
        self.productCodes = image.productCodes
        self.virtualizationType = image.virtualizationType
        self.hypervisor = "xen"
        self.bootMode = image.bootMode
        self.enaSupport = image.enaSupport
        self.kernelID = image.kernelID
        self.ramdiskID = image.ramdiskID
        self.disableApiTermination = false
        self.disableApiStop = false
        self.shutdownBehavior = .stop
        self.ebsOptimized = false
        self.securityGroupIDs = []
        self.bootCount = 0
    }
}
