/// Where a launch puts its instances: the subnet, groups and addresses resolved from the
/// request, before the store records anything.
package struct LaunchNetwork: Sendable, Equatable {
    package var vpcID: String
    package var subnetID: String
    package var availabilityZone: String
    package var groups: [NetworkInterface.GroupMembership]
    /// Whether each instance gets a public address.
    package var associatePublicIPAddress: Bool
    /// The private address asked for, for a launch of one instance.
    package var privateIPAddress: String?
    package var deleteOnTermination: Bool
    package var description: String
}
