/// A VPC's route table: where traffic for each destination goes, and which subnets use it.
public struct RouteTable: StoredResource, Equatable {
    public static let kind = ResourcePrefix.routeTable

    /// One route.
    public struct Route: Sendable, Codable, Equatable {
        public var destinationCIDR: String
        /// `local` for the VPC's own range, or an internet gateway's id.
        public var gatewayID: String
        /// `CreateRouteTable` for the local route, `CreateRoute` for the others.
        public var origin: String
    }

    /// A subnet that uses the table, or the VPC's main association.
    public struct Association: Sendable, Codable, Equatable {
        public var id: String
        public var subnetID: String?
        public var isMain: Bool
    }

    public var id: String
    public var owner: AccountID
    public var region: RegionName
    public var vpcID: String
    public var routes: [Route]
    public var associations: [Association]

    /// Whether this is its VPC's main table.
    public var isMain: Bool { associations.contains(where: \.isMain) }
}
