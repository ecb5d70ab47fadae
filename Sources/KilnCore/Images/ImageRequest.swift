/// What RegisterImage asks for.
public struct ImageRegistration: Sendable {
    /// A requested device mapping, before it is checked against its snapshot. RunInstances,
    /// CreateImage and launch templates ask for devices in the same terms.
    public struct Mapping: Sendable, Codable, Equatable {
        public var deviceName: String?
        public var virtualName: String?
        public var noDevice: Bool
        public var snapshotID: String?
        public var volumeSize: Int?
        public var volumeType: String?
        public var deleteOnTermination: Bool?
        public var encrypted: Bool?
        public var kmsKeyID: String?
        public var iops: Int?
        public var throughput: Int?

        /// Describes a requested mapping.
        public init(
            deviceName: String?,
            virtualName: String? = nil,
            noDevice: Bool = false,
            snapshotID: String? = nil,
            volumeSize: Int? = nil,
            volumeType: String? = nil,
            deleteOnTermination: Bool? = nil,
            encrypted: Bool? = nil,
            kmsKeyID: String? = nil,
            iops: Int? = nil,
            throughput: Int? = nil
        ) {
            self.deviceName = deviceName
            self.virtualName = virtualName
            self.noDevice = noDevice
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

    public var name: String
    public var description: String?
    public var architecture: String?
    public var virtualizationType: String?
    public var rootDeviceName: String?
    public var mappings: [Mapping]
    public var imageLocation: String?
    public var bootMode: String?
    public var enaSupport: Bool?
    public var sriovNetSupport: String?
    public var tpmSupport: String?
    public var imdsSupport: String?
    public var uefiData: String?
    public var kernelID: String?
    public var ramdiskID: String?
    public var billingProducts: [String]
    public var tags: [Tag]

    /// Describes a RegisterImage request.
    public init(name: String, rootDeviceName: String? = nil, mappings: [Mapping] = [], imageLocation: String? = nil, tags: [Tag] = []) {
        self.name = name
        self.rootDeviceName = rootDeviceName
        self.mappings = mappings
        self.imageLocation = imageLocation
        self.billingProducts = []
        self.tags = tags
    }
}

/// Image names: 3 to 128 characters of letters, digits and `( ) [ ] space . / - ' @ _`.
public enum ImageName {
    static let allowedPunctuation: Set<Character> = ["(", ")", "[", "]", " ", ".", "/", "-", "'", "@", "_"]

    /// Checks a name, throwing `InvalidAMIName.Malformed`.
    public static func validate(_ name: String) throws {
        guard (3...128).contains(name.count), name.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || allowedPunctuation.contains($0) }) else {
            throw CloudError.malformedImageName
        }
    }
}
