/// Where a launch puts its instances: the subnet, groups and addresses resolved from the
/// request, before the store records anything.
public struct LaunchNetwork: Sendable, Equatable {
    public var vpcID: String
    public var subnetID: String
    public var availabilityZone: String
    public var groups: [NetworkInterface.GroupMembership]
    /// Whether each instance gets a public address.
    public var associatePublicIPAddress: Bool
    /// The private address asked for, for a launch of one instance.
    public var privateIPAddress: String?
    public var deleteOnTermination: Bool
    public var description: String
}
