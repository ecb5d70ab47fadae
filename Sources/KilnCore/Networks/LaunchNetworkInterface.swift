/// A network interface a launch asks for (RunInstances' and launch templates'
/// `NetworkInterfaces`). Kiln makes the primary one, `DeviceIndex` 0.
package struct LaunchNetworkInterface: Sendable, Codable, Equatable {
    package var deviceIndex: Int?
    package var subnetID: String?
    /// Security group ids.
    package var groups: [String]?
    package var associatePublicIPAddress: Bool?
    package var privateIPAddress: String?
    package var deleteOnTermination: Bool?
    package var description: String?
    /// An existing interface to attach, which Kiln does not offer.
    package var networkInterfaceID: String?

    package init(
        deviceIndex: Int?,
        subnetID: String?,
        groups: [String]?,
        associatePublicIPAddress: Bool?,
        privateIPAddress: String?,
        deleteOnTermination: Bool?,
        description: String?,
        networkInterfaceID: String?
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
