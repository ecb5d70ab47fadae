/// What RegisterImage asks for.
package struct ImageRegistration: Sendable {
    /// A requested device mapping, before it is checked against its snapshot. RunInstances,
    /// CreateImage and launch templates ask for devices in the same terms.
    package struct Mapping: Sendable, Codable, Equatable {
        package var deviceName: String?
        package var virtualName: String?
        package var noDevice: Bool
        package var snapshotID: String?
        package var volumeSize: Int?
        package var volumeType: String?
        package var deleteOnTermination: Bool?
        package var encrypted: Bool?
        package var kmsKeyID: String?
        package var iops: Int?
        package var throughput: Int?

        /// Describes a requested mapping.
        package init(
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

    package var name: String
    package var description: String?
    package var architecture: String?
    package var virtualizationType: String?
    package var rootDeviceName: String?
    package var mappings: [Mapping]
    package var imageLocation: String?
    package var bootMode: String?
    package var enaSupport: Bool?
    package var sriovNetSupport: String?
    package var tpmSupport: String?
    package var imdsSupport: String?
    package var uefiData: String?
    package var kernelID: String?
    package var ramdiskID: String?
    package var billingProducts: [String]
    package var tags: [Tag]

    /// Describes a RegisterImage request.
    package init(name: String, rootDeviceName: String? = nil, mappings: [Mapping] = [], imageLocation: String? = nil, tags: [Tag] = []) {
        self.name = name
        self.rootDeviceName = rootDeviceName
        self.mappings = mappings
        self.imageLocation = imageLocation
        self.billingProducts = []
        self.tags = tags
    }
}

/// Image names: 3 to 128 characters of letters, digits and `( ) [ ] space . / - ' @ _`.
package enum ImageName {
    static let allowedPunctuation: Set<Character> = ["(", ")", "[", "]", " ", ".", "/", "-", "'", "@", "_"]

    /// Checks a name, throwing `InvalidAMIName.Malformed`.
    package static func validate(_ name: String) throws {
        guard (3...128).contains(name.count), name.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || allowedPunctuation.contains($0) })
        else {
            throw CloudError.malformedImageName
        }
    }
}
