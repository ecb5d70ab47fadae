/// A network interface a launch asks for (RunInstances' and launch templates'
/// `NetworkInterfaces`). Kiln makes the primary one, `DeviceIndex` 0.
public struct LaunchNetworkInterface: Sendable, Codable, Equatable {
    public var deviceIndex: Int?
    public var subnetID: String?
    /// Security group ids.
    public var groups: [String]?
    public var associatePublicIPAddress: Bool?
    public var privateIPAddress: String?
    public var deleteOnTermination: Bool?
    public var description: String?
    /// An existing interface to attach, which Kiln does not offer.
    public var networkInterfaceID: String?

    public init(
        deviceIndex: Int?, subnetID: String?, groups: [String]?, associatePublicIPAddress: Bool?, privateIPAddress: String?,
        deleteOnTermination: Bool?, description: String?, networkInterfaceID: String?
    ) {
        self.deviceIndex = deviceIndex
        self.subnetID = subnetID
        self.groups = groups
        self.associatePublicIPAddress = associatePublicIPAddress
        self.privateIPAddress = privateIPAddress
        self.deleteOnTermination = deleteOnTermination
        self.description = description
        self.networkInterfaceID = networkInterfaceID
    }
}
