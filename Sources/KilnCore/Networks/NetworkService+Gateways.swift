import Foundation

/// Internet gateways: CreateInternetGateway, Attach, Detach, Delete and Describe.
extension NetworkService {
    /// The DescribeInternetGateways filters Kiln answers.
    static let gatewayFilterNames: Set<String> = ["internet-gateway-id", "attachment.vpc-id", "attachment.state", "owner-id"]

    private func ownedGateway(_ id: String, caller: Caller, in transaction: any MetadataTransaction) throws -> InternetGateway {
        try transaction.requireWellFormed(id, .internetGateway)
        guard let gateway = try transaction.fetch(InternetGateway.self, id: id), gateway.owner == caller.account, gateway.region == caller.region
        else { throw CloudError.internetGatewayNotFound(id) }
        return gateway
    }

    /// CreateInternetGateway: a gateway attached to nothing.
    package func createInternetGateway(_ caller: Caller, tags: [Tag]) async throws -> InternetGateway {
        for tag in tags { try tag.validate() }
        try await ensureDefaultNetwork(caller)
        let gateway = InternetGateway(id: ids.resourceID(.internetGateway), owner: caller.account, region: caller.region, vpcID: nil)
        try await write(caller) { transaction in
            try transaction.save(gateway)
            try tag(gateway.id, .internetGateway, with: tags, caller: caller, in: transaction)
        }
        return gateway
    }

    /// AttachInternetGateway: one gateway per VPC, one VPC per gateway.
    package func attachInternetGateway(_ caller: Caller, id: String, vpcID: String) async throws {
        try await ensureDefaultNetwork(caller)
        try await write(caller) { transaction in
            var gateway = try ownedGateway(id, caller: caller, in: transaction)
            _ = try transaction.ownedVpc(vpcID, caller: caller)
            if let attached = gateway.vpcID { throw CloudError.gatewayAlreadyAttached(id, vpcID: attached) }
            let gateways = try transaction.fetchAll(InternetGateway.self, region: caller.region, owner: caller.account)
            if let other = gateways.first(where: { $0.vpcID == vpcID }) {
                throw CloudError("Resource.AlreadyAssociated", "resource \(vpcID) is already attached to internet gateway \(other.id)")
            }
            gateway.vpcID = vpcID
            try transaction.save(gateway)
        }
    }

    /// DetachInternetGateway.
    package func detachInternetGateway(_ caller: Caller, id: String, vpcID: String) async throws {
        try await ensureDefaultNetwork(caller)
        try await write(caller) { transaction in
            var gateway = try ownedGateway(id, caller: caller, in: transaction)
            _ = try transaction.ownedVpc(vpcID, caller: caller)
            guard gateway.vpcID == vpcID else { throw CloudError.gatewayNotAttached(id, vpcID: vpcID) }
            gateway.vpcID = nil
            try transaction.save(gateway)
        }
    }

    /// DeleteInternetGateway: refused while attached.
    package func deleteInternetGateway(_ caller: Caller, id: String) async throws {
        try await ensureDefaultNetwork(caller)
        try await write(caller) { transaction in
            let gateway = try ownedGateway(id, caller: caller, in: transaction)
            if gateway.vpcID != nil {
                throw CloudError.dependencyViolation("The internetGateway '\(id)' has dependencies and cannot be deleted.")
            }
            try transaction.delete(InternetGateway.self, id: id)
        }
    }

    /// DescribeInternetGateways.
    package func describeInternetGateways(
        _ caller: Caller,
        ids: [String]?,
        filters: [Filter],
        page: PageRequest
    ) async throws -> (items: [(InternetGateway, [Tag])], nextToken: String?) {
        try await describe(
            caller,
            InternetGateway.self,
            ids: ids,
            notFound: CloudError.internetGatewayNotFound,
            filters: filters,
            supported: Self.gatewayFilterNames,
            page: page
        ) { gateway, name in
            switch name {
            case "internet-gateway-id": return [gateway.id]
            case "attachment.vpc-id": return gateway.vpcID.map { [$0] } ?? []
            case "attachment.state": return gateway.vpcID == nil ? [] : ["available"]
            case "owner-id": return [gateway.owner.rawValue]
            default: return []
            }
        }
    }
}
