/// An internet gateway, attached to at most one VPC.
public struct InternetGateway: StoredResource, Equatable {
    public static let kind = ResourcePrefix.internetGateway

    public var id: String
    public var owner: AccountID
    public var region: RegionName
    /// The VPC it is attached to.
    public var vpcID: String?
}
