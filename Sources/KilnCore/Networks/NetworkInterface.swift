import Foundation

/// An elastic network interface: an instance's place in a subnet, with its private address,
/// its public address if it has one, and its security groups.
public struct NetworkInterface: StoredResource, Equatable {
    public static let kind = ResourcePrefix.networkInterface

    /// A security group the interface is a member of.
    public struct GroupMembership: Sendable, Codable, Equatable {
        public var id: String
        public var name: String
    }

    /// The instance it is attached to.
    public struct Attachment: Sendable, Codable, Equatable {
        public var id: String
        public var instanceID: String
        public var deviceIndex: Int
        public var attachTime: Date
        public var deleteOnTermination: Bool
    }

    public var id: String
    public var owner: AccountID
    public var region: RegionName
    public var vpcID: String
    public var subnetID: String
    public var availabilityZone: String
    public var privateIPAddress: String
    public var publicIPAddress: String?
    public var macAddress: String
    public var description: String
    public var groups: [GroupMembership]
    public var attachment: Attachment?

    /// `ip-172-31-0-4.ec2.internal` in us-east-1, `ip-…​.REGION.compute.internal` elsewhere.
    public var privateDNSName: String { Self.privateDNSName(privateIPAddress, region: region) }

    /// `ec2-….compute-1.amazonaws.com` in us-east-1, `ec2-….REGION.compute.amazonaws.com` elsewhere.
    public var publicDNSName: String? {
        publicIPAddress.map { address in
            let dashed = address.replacingOccurrences(of: ".", with: "-")
            return region == "us-east-1" ? "ec2-\(dashed).compute-1.amazonaws.com" : "ec2-\(dashed).\(region).compute.amazonaws.com"
        }
    }

    /// The private DNS name EC2 gives `address` in `region`.
    public static func privateDNSName(_ address: String, region: RegionName) -> String {
        let dashed = address.replacingOccurrences(of: ".", with: "-")
        return region == "us-east-1" ? "ip-\(dashed).ec2.internal" : "ip-\(dashed).\(region).compute.internal"
    }
}
