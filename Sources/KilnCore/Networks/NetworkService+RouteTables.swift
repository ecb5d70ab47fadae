import Foundation

/// Route tables: CreateRouteTable, DeleteRouteTable, Describe, Associate, Disassociate,
/// CreateRoute and DeleteRoute.
extension NetworkService {
    /// The DescribeRouteTables filters Kiln answers.
    static let routeTableFilterNames: Set<String> = [
        "route-table-id", "vpc-id", "owner-id", "association.main", "association.subnet-id", "association.route-table-association-id",
        "association.route-table-id", "route.destination-cidr-block", "route.gateway-id", "route.origin", "route.state",
    ]

    private func ownedTable(_ id: String, caller: Caller, in transaction: any MetadataTransaction) throws -> RouteTable {
        try transaction.requireWellFormed(id, .routeTable)
        guard let table = try transaction.fetch(RouteTable.self, id: id), table.owner == caller.account, table.region == caller.region else {
            throw CloudError.routeTableNotFound(id)
        }
        return table
    }

    /// CreateRouteTable: a table with the VPC's local route.
    package func createRouteTable(_ caller: Caller, vpcID: String, tags: [Tag]) async throws -> RouteTable {
        for tag in tags { try tag.validate() }
        try await ensureDefaultNetwork(caller)
        let id = ids.resourceID(.routeTable)
        return try await write(caller) { transaction in
            let vpc = try transaction.ownedVpc(vpcID, caller: caller)
            let table = RouteTable(
                id: id,
                owner: caller.account,
                region: caller.region,
                vpcID: vpc.id,
                routes: [RouteTable.Route(destinationCIDR: vpc.cidr.description, gatewayID: "local", origin: "CreateRouteTable")],
                associations: []
            )
            try transaction.save(table)
            try tag(table.id, .routeTable, with: tags, caller: caller, in: transaction)
            return table
        }
    }

    /// DeleteRouteTable: refused for a main table or one subnets use.
    package func deleteRouteTable(_ caller: Caller, id: String) async throws {
        try await ensureDefaultNetwork(caller)
        try await write(caller) { transaction in
            let table = try ownedTable(id, caller: caller, in: transaction)
            guard table.associations.isEmpty else {
                throw CloudError.dependencyViolation("The routeTable '\(id)' has dependencies and cannot be deleted.")
            }
            try transaction.delete(RouteTable.self, id: id)
        }
    }

    /// AssociateRouteTable: the subnet uses this table instead of the one it used.
    package func associateRouteTable(_ caller: Caller, id: String, subnetID: String?) async throws -> String {
        guard let subnetID else { throw CloudError.missingParameter("SubnetId") }
        try await ensureDefaultNetwork(caller)
        let associationID = ids.resourceID(.routeTableAssociation)
        return try await write(caller) { transaction in
            var table = try ownedTable(id, caller: caller, in: transaction)
            let subnet = try transaction.ownedSubnet(subnetID, caller: caller)
            guard subnet.vpcID == table.vpcID else {
                throw CloudError("InvalidParameterValue", "Route table \(id) and subnet \(subnetID) belong to different networks.")
            }
            let tables = try transaction.fetchAll(RouteTable.self, region: caller.region, owner: caller.account)
            if let other = tables.first(where: { $0.associations.contains { $0.subnetID == subnetID } }) {
                throw CloudError(
                    "Resource.AlreadyAssociated",
                    "the specified association for route table \(other.id) conflicts with an existing association"
                )
            }
            table.associations.append(RouteTable.Association(id: associationID, subnetID: subnetID, isMain: false))
            try transaction.save(table)
            return associationID
        }
    }

    /// DisassociateRouteTable: the subnet goes back to the main table.
    package func disassociateRouteTable(_ caller: Caller, associationID: String) async throws {
        try await ensureDefaultNetwork(caller)
        try await write(caller) { transaction in
            let tables = try transaction.fetchAll(RouteTable.self, region: caller.region, owner: caller.account)
            guard var table = tables.first(where: { $0.associations.contains { $0.id == associationID } }) else {
                throw CloudError.associationNotFound(associationID)
            }
            if table.associations.contains(where: { $0.id == associationID && $0.isMain }) {
                throw CloudError.invalidParameterValue("cannot disassociate the main route table association \(associationID)")
            }
            table.associations.removeAll { $0.id == associationID }
            try transaction.save(table)
        }
    }

    /// CreateRoute: traffic for `destination` goes to an internet gateway attached to the table's VPC.
    package func createRoute(_ caller: Caller, routeTableID: String, destination: String?, gatewayID: String?) async throws {
        guard let destination else { throw CloudError.missingParameter("DestinationCidrBlock") }
        guard let cidr = IPv4CIDR(destination), cidr.isAligned else {
            throw CloudError.invalidParameterValue(
                "Value (\(destination)) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block."
            )
        }
        guard let gatewayID else { throw CloudError.missingParameter("GatewayId (the one route target Kiln has)") }
        try await ensureDefaultNetwork(caller)
        try await write(caller) { transaction in
            var table = try ownedTable(routeTableID, caller: caller, in: transaction)
            guard let gateway = try transaction.fetch(InternetGateway.self, id: gatewayID), gateway.owner == caller.account,
                gateway.region == caller.region
            else { throw CloudError.internetGatewayNotFound(gatewayID) }
            guard gateway.vpcID == table.vpcID else {
                throw CloudError("InvalidParameterValue", "route table \(routeTableID) and network gateway \(gatewayID) belong to different networks")
            }
            if table.routes.contains(where: { $0.destinationCIDR == cidr.description }) { throw CloudError.routeAlreadyExists(cidr.description) }
            table.routes.append(RouteTable.Route(destinationCIDR: cidr.description, gatewayID: gatewayID, origin: "CreateRoute"))
            try transaction.save(table)
        }
    }

    /// DeleteRoute.
    package func deleteRoute(_ caller: Caller, routeTableID: String, destination: String?) async throws {
        guard let destination else { throw CloudError.missingParameter("DestinationCidrBlock") }
        try await ensureDefaultNetwork(caller)
        try await write(caller) { transaction in
            var table = try ownedTable(routeTableID, caller: caller, in: transaction)
            guard let index = table.routes.firstIndex(where: { $0.destinationCIDR == destination && $0.gatewayID != "local" }) else {
                throw CloudError.routeNotFound(destination, routeTableID: routeTableID)
            }
            table.routes.remove(at: index)
            try transaction.save(table)
        }
    }

    /// DescribeRouteTables.
    package func describeRouteTables(
        _ caller: Caller,
        ids: [String]?,
        filters: [Filter],
        page: PageRequest
    ) async throws -> (items: [(RouteTable, [Tag])], nextToken: String?) {
        try await describe(
            caller,
            RouteTable.self,
            ids: ids,
            notFound: CloudError.routeTableNotFound,
            filters: filters,
            supported: Self.routeTableFilterNames,
            page: page
        ) { table, name in
            switch name {
            case "route-table-id", "association.route-table-id": return [table.id]
            case "vpc-id": return [table.vpcID]
            case "owner-id": return [table.owner.rawValue]
            case "association.main": return table.associations.map { $0.isMain ? "true" : "false" }
            case "association.subnet-id": return table.associations.compactMap(\.subnetID)
            case "association.route-table-association-id": return table.associations.map(\.id)
            case "route.destination-cidr-block": return table.routes.map(\.destinationCIDR)
            case "route.gateway-id": return table.routes.map(\.gatewayID)
            case "route.origin": return table.routes.map(\.origin)
            case "route.state": return table.routes.map { _ in "active" }
            default: return []
            }
        }
    }
}
