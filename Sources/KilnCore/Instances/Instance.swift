import Foundation

/// An EC2 instance: a machine launched from an image, with the volumes its mappings made.
package struct Instance: StoredResource, Equatable {
    package static let kind = ResourcePrefix.instance

    /// An instance's life cycle (see ``Cloud/runInstances(_:_:)``):
    /// `pending` → `running` ⇄ (`stopping` → `stopped` → `pending`), and from any of them
    /// `shutting-down` → `terminated`.
    package enum State: String, Sendable, Codable {
        case pending
        case running
        case shuttingDown = "shutting-down"
        case terminated
        case stopping
        case stopped

        /// The code EC2 shows with the name.
        package var code: Int {
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
    package struct Device: Sendable, Codable, Equatable {
        package var deviceName: String
        package var volumeID: String
        package var deleteOnTermination: Bool
        package var attachTime: Date

        /// Describes an attached device.
        package init(deviceName: String, volumeID: String, deleteOnTermination: Bool, attachTime: Date) {
            self.deviceName = deviceName
            self.volumeID = volumeID
            self.deleteOnTermination = deleteOnTermination
            self.attachTime = attachTime
        }
    }

    /// Why the instance last changed state, as `StateReason` shows it.
    package struct StateReason: Sendable, Codable, Equatable {
        package var code: String
        package var message: String

        /// Describes a reason.
        package init(code: String, message: String) {
            self.code = code
            self.message = message
        }
    }

    /// The launch template an instance came from.
    package struct TemplateReference: Sendable, Codable, Equatable {
        package var id: String
        package var version: Int
    }

    package var id: String
    package var owner: AccountID
    package var region: RegionName
    /// The reservation: every instance of one RunInstances call shares it.
    package var reservationID: String
    /// Its position within the reservation.
    package var launchIndex: Int
    package var imageID: String
    package var instanceType: String
    package var architecture: String
    package var availabilityZone: String
    package var state: State
    package var stateReason: StateReason?
    /// In a cluster, the node whose runtime runs its machine: the one that launched it.
    /// `nil` on a single node.
    package var node: String?
    /// Why the state last changed, in EC2's words (`User initiated (2024-01-02 03:04:05 GMT)`).
    package var stateTransitionReason: String
    package var launchTime: Date
    package var keyName: String?
    /// The key pair's public key at launch, in OpenSSH's one-line form: what the metadata
    /// service gives the guest, even after the key pair is deleted.
    package var publicKey: String?
    /// How its metadata service answers; `nil` for instances recorded before Kiln had one,
    /// which get EC2's defaults (see ``metadataOptionsInForce``).
    package var metadataOptions: InstanceMetadataOptions?
    /// The IAM instance profile it runs with.
    package var iamInstanceProfile: InstanceProfile?
    /// Base64 text, as given.
    package var userData: String?
    /// `ebs` or `instance-store`.
    package var rootDeviceType: String
    package var rootDeviceName: String
    /// The EBS volumes attached to it.
    package var devices: [Device]
    /// For an instance-store-backed instance: the ephemeral volume its root device is, which
    /// lives only as long as the instance runs.
    package var ephemeralRootVolumeID: String?
    package var clientToken: String?
    package var privateIPAddress: String
    package var platform: String?
    package var platformDetails: String
    package var usageOperation: String
    package var productCodes: [Image.ProductCode]
    package var virtualizationType: String
    package var hypervisor: String
    package var bootMode: String?
    package var enaSupport: Bool?
    package var kernelID: String?
    package var ramdiskID: String?
    package var launchTemplate: TemplateReference?
    package var disableApiTermination: Bool
    package var disableApiStop: Bool
    /// `stop` or `terminate`: what a shutdown from inside the instance does.
    package var shutdownBehavior: ShutdownBehavior
    package var ebsOptimized: Bool
    package var securityGroupIDs: [String]
    /// Its subnet, primary network interface, addresses and groups; `nil` for instances
    /// recorded before Kiln had networks.
    package var network: InstanceNetwork?
    /// How many times it has booted: launch, each start and each reboot.
    package var bootCount: Int
    /// How many times RebootInstances asked for a reboot (nil before the first): the node
    /// that runs its machine resets the machine when this passes the count it has acted on,
    /// whichever node took the request.
    package var rebootRequests: Int?
    /// Whether its current stop was asked with Force, so that the node running its machine
    /// switches the machine off at once (nil when not).
    package var stopForced: Bool?
    /// In a cluster, the status checks of its machine as the node that runs it last saw them,
    /// for the other nodes to answer with.
    package var machineHealth: InstanceHealth?
    /// In a cluster, the latest GetConsoleScreenshot that another node asked of its machine:
    /// the node that runs the machine writes the PNG to ``screenshotObject(request:)``.
    package var screenshotRequest: String?
    /// In a cluster, the CreateImage without NoReboot that another node is taking of it: the
    /// node that runs its machine shuts the machine down cleanly, records the request in
    /// ``imageHoldReady``, and boots the machine again once the request is cleared.
    package var imageHoldRequest: String?
    /// The ``imageHoldRequest`` for which the machine is off and its disks written back.
    package var imageHoldReady: String?

    /// Where the screenshot for `request` goes in the object store.
    package func screenshotObject(request: String) -> String {
        "screenshots/\(id)/\(request).png"
    }
    /// When it reached `terminated`, after which it stays visible for an hour.
    package var terminatedAt: Date?

    /// The metadata options that apply.
    package var metadataOptionsInForce: InstanceMetadataOptions {
        metadataOptions ?? .launchDefaults(imdsSupport: nil)
    }

    /// Whether its root device is an EBS volume.
    package var isEBSBacked: Bool { rootDeviceType == "ebs" }

    /// The private DNS name EC2 derives from the address.
    package var privateDNSName: String {
        "ip-\(privateIPAddress.replacingOccurrences(of: ".", with: "-")).\(region == "us-east-1" ? "ec2.internal" : "\(region).compute.internal")"
    }

    /// Creates an instance record; callers set the rest.
    package init(
        id: String,
        owner: AccountID,
        region: RegionName,
        reservationID: String,
        launchIndex: Int,
        image: Image,
        instanceType: String,
        availabilityZone: String,
        launchTime: Date,
        privateIPAddress: String
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
