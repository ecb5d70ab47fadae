/// A VPC's route table: where traffic for each destination goes, and which subnets use it.
package struct RouteTable: StoredResource, Equatable {
    package static let kind = ResourcePrefix.routeTable

    /// One route.
    package struct Route: Sendable, Codable, Equatable {
        package var destinationCIDR: String
        /// `local` for the VPC's own range, or an internet gateway's id.
        package var gatewayID: String
        /// `CreateRouteTable` for the local route, `CreateRoute` for the others.
        package var origin: String
    }

    /// A subnet that uses the table, or the VPC's main association.
    package struct Association: Sendable, Codable, Equatable {
        package var id: String
        package var subnetID: String?
        package var isMain: Bool
    }

    package var id: String
    package var owner: AccountID
    package var region: RegionName
    package var vpcID: String
    package var routes: [Route]
    package var associations: [Association]

    /// Whether this is its VPC's main table.
    package var isMain: Bool { associations.contains(where: \.isMain) }
}
