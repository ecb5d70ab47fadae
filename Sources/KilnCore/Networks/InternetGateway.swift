/// An internet gateway, attached to at most one VPC.
package struct InternetGateway: StoredResource, Equatable {
    package static let kind = ResourcePrefix.internetGateway

    package var id: String
    package var owner: AccountID
    package var region: RegionName
    /// The VPC it is attached to.
    package var vpcID: String?
}
