import Foundation

/// An elastic network interface: an instance's place in a subnet, with its private address,
/// its public address if it has one, and its security groups.
package struct NetworkInterface: StoredResource, Equatable {
    package static let kind = ResourcePrefix.networkInterface

    /// A security group the interface is a member of.
    package struct GroupMembership: Sendable, Codable, Equatable {
        package var id: String
        package var name: String
    }

    /// The instance it is attached to.
    package struct Attachment: Sendable, Codable, Equatable {
        package var id: String
        package var instanceID: String
        package var deviceIndex: Int
        package var attachTime: Date
        package var deleteOnTermination: Bool
    }

    package var id: String
    package var owner: AccountID
    package var region: RegionName
    package var vpcID: String
    package var subnetID: String
    package var availabilityZone: String
    package var privateIPAddress: String
    package var publicIPAddress: String?
    package var macAddress: String
    package var description: String
    package var groups: [GroupMembership]
    package var attachment: Attachment?

    /// `ip-172-31-0-4.ec2.internal` in us-east-1, `ip-…​.REGION.compute.internal` elsewhere.
    package var privateDNSName: String { Self.privateDNSName(privateIPAddress, region: region) }

    /// `ec2-….compute-1.amazonaws.com` in us-east-1, `ec2-….REGION.compute.amazonaws.com` elsewhere.
    package var publicDNSName: String? {
        publicIPAddress.map { address in
            let dashed = address.replacingOccurrences(of: ".", with: "-")
            return region == "us-east-1" ? "ec2-\(dashed).compute-1.amazonaws.com" : "ec2-\(dashed).\(region).compute.amazonaws.com"
        }
    }

    /// The private DNS name EC2 gives `address` in `region`.
    package static func privateDNSName(_ address: String, region: RegionName) -> String {
        let dashed = address.replacingOccurrences(of: ".", with: "-")
        return region == "us-east-1" ? "ip-\(dashed).ec2.internal" : "ip-\(dashed).\(region).compute.internal"
    }
}
