import Foundation

/// CreateVpc, DescribeVpcs, DeleteVpc and the VPC attributes.
extension NetworkService {
    /// The DescribeVpcs filters Kiln answers.
    static let vpcFilterNames: Set<String> = [
        "vpc-id", "cidr", "cidr-block", "cidrBlock", "cidr-block-association.cidr-block", "cidr-block-association.association-id",
        "cidr-block-association.state", "is-default", "isDefault", "state", "owner-id", "dhcp-options-id", "instance-tenancy",
    ]

    /// CreateVpc: a VPC of `cidrBlock` (/16 to /28) with its default group and main route table.
    package func createVpc(_ caller: Caller, cidrBlock: String?, tenancy: String?, tags: [Tag]) async throws -> Vpc {
        guard let cidrBlock else { throw CloudError.missingParameter("CidrBlock") }
        guard let cidr = IPv4CIDR(cidrBlock) else { throw CloudError.malformedCIDR(cidrBlock) }
        guard (16...28).contains(cidr.prefixLength) else { throw CloudError.invalidVpcRange(cidrBlock) }
        if let tenancy, !["default", "dedicated"].contains(tenancy) {
            throw CloudError.invalidParameterValue("Value (\(tenancy)) for parameter instanceTenancy is invalid.")
        }
        for tag in tags { try tag.validate() }
        try await ensureDefaultNetwork(caller)
        let vpcIDs = VpcIDs(
            vpc: ids.resourceID(.vpc),
            cidrAssociation: ids.resourceID(.cidrAssociation),
            securityGroup: ids.resourceID(.securityGroup),
            routeTable: ids.resourceID(.routeTable),
            mainAssociation: ids.resourceID(.routeTableAssociation),
            dhcpOptions: ""
        )
        let now = clock.now
        return try await write(caller) { transaction in
            var ids = vpcIDs
            ids.dhcpOptions =
                try transaction.defaultVpc(caller: caller)?.dhcpOptionsID
                ?? Self.derivedID(.dhcpOptions, caller.account.rawValue, "\(caller.region)", "default")
            _ = try recordVpc(ids, cidr: cidr.normalized, isDefault: false, owner: caller.account, region: caller.region, now: now, in: transaction)
            var vpc = try transaction.ownedVpc(ids.vpc, caller: caller)
            if let tenancy { vpc.instanceTenancy = tenancy }
            try transaction.save(vpc)
            try tag(vpc.id, .vpc, with: tags, caller: caller, in: transaction)
            return vpc
        }
    }

    /// DescribeVpcs.
    package func describeVpcs(_ caller: Caller, ids: [String]?, filters: [Filter], page: PageRequest) async throws -> (
        items: [(Vpc, [Tag])], nextToken: String?
    ) {
        try await describe(
            caller,
            Vpc.self,
            ids: ids,
            notFound: CloudError.vpcNotFound,
            filters: filters,
            supported: Self.vpcFilterNames,
            page: page
        ) { vpc, name in
            switch name {
            case "vpc-id": return [vpc.id]
            case "cidr", "cidr-block", "cidrBlock", "cidr-block-association.cidr-block": return [vpc.cidr.description]
            case "cidr-block-association.association-id": return [vpc.cidrAssociationID]
            case "cidr-block-association.state", "state": return [name == "state" ? "available" : "associated"]
            case "is-default", "isDefault": return Self.flag(vpc.isDefault)
            case "owner-id": return [vpc.owner.rawValue]
            case "dhcp-options-id": return [vpc.dhcpOptionsID]
            case "instance-tenancy": return [vpc.instanceTenancy]
            default: return []
            }
        }
    }

    /// DeleteVpc: refused with `DependencyViolation` while subnets, an attached gateway, groups
    /// other than the default, route tables other than the main one or interfaces remain.
    package func deleteVpc(_ caller: Caller, id: String) async throws {
        try await ensureDefaultNetwork(caller)
        try await write(caller) { transaction in
            let vpc = try transaction.ownedVpc(id, caller: caller)
            let dependency = CloudError.dependencyViolation("The vpc '\(id)' has dependencies and cannot be deleted.")
            let region = caller.region
            let owner = caller.account
            if try transaction.fetchAll(Subnet.self, region: region, owner: owner).contains(where: { $0.vpcID == id }) { throw dependency }
            if try transaction.fetchAll(InternetGateway.self, region: region, owner: owner).contains(where: { $0.vpcID == id }) { throw dependency }
            let groups = try transaction.fetchAll(SecurityGroup.self, region: region, owner: owner).filter { $0.vpcID == id }
            if groups.contains(where: { $0.id != vpc.defaultSecurityGroupID }) { throw dependency }
            let tables = try transaction.fetchAll(RouteTable.self, region: region, owner: owner).filter { $0.vpcID == id }
            if tables.contains(where: { $0.id != vpc.mainRouteTableID }) { throw dependency }
            if try transaction.fetchAll(NetworkInterface.self, region: region, owner: owner).contains(where: { $0.vpcID == id }) { throw dependency }
            for group in groups { try transaction.delete(SecurityGroup.self, id: group.id) }
            for table in tables { try transaction.delete(RouteTable.self, id: table.id) }
            try transaction.delete(Vpc.self, id: id)
            if vpc.isDefault, var defaults = try transaction.fetch(NetworkDefaults.self, id: NetworkDefaults.id(account: owner, region: region)) {
                defaults.vpcID = nil
                try transaction.save(defaults)
            }
        }
    }

    /// A VPC attribute AWS lets callers read and change.
    package enum VpcAttribute: String, Sendable {
        case enableDnsSupport
        case enableDnsHostnames
        /// Always off: Kiln keeps no address usage metrics.
        case enableNetworkAddressUsageMetrics
    }

    /// DescribeVpcAttribute.
    package func vpcAttribute(_ caller: Caller, id: String, attribute: String) async throws -> (VpcAttribute, Bool) {
        guard let which = VpcAttribute(rawValue: attribute) else {
            throw CloudError.invalidParameterValue("Value (\(attribute)) for parameter attribute is invalid. Unknown attribute.")
        }
        try await ensureDefaultNetwork(caller)
        let vpc = try await read(caller) { try $0.ownedVpc(id, caller: caller) }
        switch which {
        case .enableDnsSupport: return (which, vpc.enableDnsSupport)
        case .enableDnsHostnames: return (which, vpc.enableDnsHostnames)
        case .enableNetworkAddressUsageMetrics: return (which, false)
        }
    }

    /// ModifyVpcAttribute: one attribute at a time, as on AWS.
    package func modifyVpcAttribute(_ caller: Caller, id: String, dnsSupport: Bool?, dnsHostnames: Bool?) async throws {
        guard (dnsSupport == nil) != (dnsHostnames == nil) else {
            throw CloudError.invalidParameterCombination("Exactly one of EnableDnsSupport and EnableDnsHostnames must be specified.")
        }
        try await ensureDefaultNetwork(caller)
        try await write(caller) { transaction in
            var vpc = try transaction.ownedVpc(id, caller: caller)
            if let dnsSupport { vpc.enableDnsSupport = dnsSupport }
            if let dnsHostnames { vpc.enableDnsHostnames = dnsHostnames }
            try transaction.save(vpc)
        }
    }
}
