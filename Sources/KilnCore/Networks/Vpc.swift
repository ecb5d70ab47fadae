import Foundation

/// A virtual private cloud: an IPv4 range of one account in one region, which subnets divide.
package struct Vpc: StoredResource, Equatable {
    package static let kind = ResourcePrefix.vpc

    package var id: String
    package var owner: AccountID
    package var region: RegionName
    /// The primary IPv4 range, from /16 to /28.
    package var cidr: IPv4CIDR
    /// The id of the primary range's association.
    package var cidrAssociationID: String
    /// Whether this is the account's default VPC in the region.
    package var isDefault: Bool
    /// `default` or `dedicated`.
    package var instanceTenancy: String
    package var dhcpOptionsID: String
    package var enableDnsSupport: Bool
    package var enableDnsHostnames: Bool
    /// The VPC's default security group, made with it and deleted with it.
    package var defaultSecurityGroupID: String
    /// The VPC's main route table, made with it and deleted with it.
    package var mainRouteTableID: String
    package var createTime: Date
}
