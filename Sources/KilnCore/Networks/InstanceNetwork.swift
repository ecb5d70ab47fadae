import Foundation

/// Where an instance sits in its VPC: the subnet and primary network interface, its addresses
/// and its security groups, as DescribeInstances shows them.
public struct InstanceNetwork: Sendable, Codable, Equatable {
    public var vpcID: String
    public var subnetID: String
    public var networkInterfaceID: String
    public var attachmentID: String
    public var macAddress: String
    public var publicIPAddress: String?
    public var groups: [NetworkInterface.GroupMembership]
    public var attachTime: Date
    public var deleteOnTermination: Bool
    public var sourceDestCheck: Bool

    /// The public DNS name that goes with the public address.
    public func publicDNSName(region: RegionName) -> String? {
        publicIPAddress.map { address in
            let dashed = address.replacingOccurrences(of: ".", with: "-")
            return region == "us-east-1" ? "ec2-\(dashed).compute-1.amazonaws.com" : "ec2-\(dashed).\(region).compute.amazonaws.com"
        }
    }
}

extension InstanceNetwork {
    /// The primary interface a launch would ask for to land in the same subnet with the same
    /// groups (GetLaunchTemplateData).
    public var launchInterface: LaunchNetworkInterface {
        LaunchNetworkInterface(
            deviceIndex: 0, subnetID: subnetID, groups: groups.map(\.id), associatePublicIPAddress: publicIPAddress != nil, privateIPAddress: nil,
            deleteOnTermination: deleteOnTermination, description: nil, networkInterfaceID: nil
        )
    }
}
