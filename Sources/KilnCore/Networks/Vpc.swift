import Foundation

/// A virtual private cloud: an IPv4 range of one account in one region, which subnets divide.
public struct Vpc: StoredResource, Equatable {
    public static let kind = ResourcePrefix.vpc

    public var id: String
    public var owner: AccountID
    public var region: RegionName
    /// The primary IPv4 range, from /16 to /28.
    public var cidr: IPv4CIDR
    /// The id of the primary range's association.
    public var cidrAssociationID: String
    /// Whether this is the account's default VPC in the region.
    public var isDefault: Bool
    /// `default` or `dedicated`.
    public var instanceTenancy: String
    public var dhcpOptionsID: String
    public var enableDnsSupport: Bool
    public var enableDnsHostnames: Bool
    /// The VPC's default security group, made with it and deleted with it.
    public var defaultSecurityGroupID: String
    /// The VPC's main route table, made with it and deleted with it.
    public var mainRouteTableID: String
    public var createTime: Date
}
