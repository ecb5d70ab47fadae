import Foundation

/// Where an instance sits in its VPC: the subnet and primary network interface, its addresses
/// and its security groups, as DescribeInstances shows them.
package struct InstanceNetwork: Sendable, Codable, Equatable {
    package var vpcID: String
    package var subnetID: String
    package var networkInterfaceID: String
    package var attachmentID: String
    package var macAddress: String
    package var publicIPAddress: String?
    package var groups: [NetworkInterface.GroupMembership]
    package var attachTime: Date
    package var deleteOnTermination: Bool
    package var sourceDestCheck: Bool

    /// The public DNS name that goes with the public address.
    package func publicDNSName(region: RegionName) -> String? {
        publicIPAddress.map { address in
            let dashed = address.replacingOccurrences(of: ".", with: "-")
            return region == "us-east-1" ? "ec2-\(dashed).compute-1.amazonaws.com" : "ec2-\(dashed).\(region).compute.amazonaws.com"
        }
    }
}

extension InstanceNetwork {
    /// The primary interface a launch would ask for to land in the same subnet with the same
    /// groups (GetLaunchTemplateData).
    package var launchInterface: LaunchNetworkInterface {
        LaunchNetworkInterface(
            deviceIndex: 0,
            subnetID: subnetID,
            groups: groups.map(\.id),
            associatePublicIPAddress: publicIPAddress != nil,
            privateIPAddress: nil,
            deleteOnTermination: deleteOnTermination,
            description: nil,
            networkInterfaceID: nil
        )
    }
}
