import Foundation

/// The default network of each account and region, and the VPCs every other call makes.
extension NetworkService {
    /// The default VPC's range.
    static let defaultVpcCIDR = IPv4CIDR(address: 172 << 24 | 31 << 16, prefixLength: 16)

    /// Makes the caller's default network in its region unless it was made before. Runs in a
    /// transaction of its own, so that a dry run or a failed call still leaves it in place.
    func ensureDefaultNetwork(_ caller: Caller) async throws {
        let region = try regions.requireEnabled(caller.region)
        let markerID = NetworkDefaults.id(account: caller.account, region: caller.region)
        if try await store.read({ try $0.fetch(NetworkDefaults.self, id: markerID) }) != nil { return }
        let now = clock.now
        try await store.write { transaction in
            guard try transaction.fetch(NetworkDefaults.self, id: markerID) == nil else { return }
            try makeDefaultNetwork(account: caller.account, region: region, now: now, in: transaction)
        }
    }

    /// Records the default VPC with a /20 subnet per zone, its internet gateway and a route to it.
    private func makeDefaultNetwork(account: AccountID, region: Region, now: Date, in transaction: any MetadataTransaction) throws {
        let name = region.name
        let regionText = "\(name)"
        let vpcID = Self.derivedID(.vpc, account.rawValue, regionText, "default")
        let derived = { (prefix: ResourcePrefix, part: String) in Self.derivedID(prefix, account.rawValue, regionText, part) }
        var routeTable = try recordVpc(
            VpcIDs(
                vpc: vpcID,
                cidrAssociation: derived(.cidrAssociation, "vpc"),
                securityGroup: derived(.securityGroup, "default"),
                routeTable: derived(.routeTable, "main"),
                mainAssociation: derived(.routeTableAssociation, "main"),
                dhcpOptions: derived(.dhcpOptions, "default")
            ),
            cidr: Self.defaultVpcCIDR,
            isDefault: true,
            owner: account,
            region: name,
            now: now,
            in: transaction
        )
        for (index, zone) in region.zones.enumerated() where index < 16 {
            let cidr = IPv4CIDR(address: Self.defaultVpcCIDR.network | UInt32(index) << 12, prefixLength: 20)
            let subnet = Subnet(
                id: derived(.subnet, zone.name),
                owner: account,
                region: name,
                vpcID: vpcID,
                cidr: cidr,
                availabilityZone: zone.name,
                availabilityZoneID: zone.id,
                defaultForZone: true,
                mapPublicIpOnLaunch: true,
                usedOffsets: [],
                createTime: now
            )
            try transaction.save(subnet)
        }
        let gateway = InternetGateway(id: derived(.internetGateway, "default"), owner: account, region: name, vpcID: vpcID)
        try transaction.save(gateway)
        routeTable.routes.append(RouteTable.Route(destinationCIDR: "0.0.0.0/0", gatewayID: gateway.id, origin: "CreateRoute"))
        try transaction.save(routeTable)
        try transaction.save(NetworkDefaults(id: NetworkDefaults.id(account: account, region: name), owner: account, region: name, vpcID: vpcID))
    }

    /// The ids a new VPC and what comes with it take.
    struct VpcIDs {
        var vpc: String
        var cidrAssociation: String
        var securityGroup: String
        var routeTable: String
        var mainAssociation: String
        var dhcpOptions: String
    }

    /// Records a VPC with its default security group and main route table; returns the table.
    func recordVpc(
        _ ids: VpcIDs,
        cidr: IPv4CIDR,
        isDefault: Bool,
        owner: AccountID,
        region: RegionName,
        now: Date,
        in transaction: any MetadataTransaction
    ) throws -> RouteTable {
        let vpc = Vpc(
            id: ids.vpc,
            owner: owner,
            region: region,
            cidr: cidr,
            cidrAssociationID: ids.cidrAssociation,
            isDefault: isDefault,
            instanceTenancy: "default",
            dhcpOptionsID: ids.dhcpOptions,
            enableDnsSupport: true,
            enableDnsHostnames: isDefault,
            defaultSecurityGroupID: ids.securityGroup,
            mainRouteTableID: ids.routeTable,
            createTime: now
        )
        try transaction.save(vpc)
        let group = SecurityGroup(
            id: ids.securityGroup,
            owner: owner,
            region: region,
            vpcID: vpc.id,
            name: "default",
            description: "default VPC security group",
            ingress: [
                SecurityGroupRule(
                    id: Self.derivedID(.securityGroupRule, ids.securityGroup, "in"),
                    isEgress: false,
                    ipProtocol: "-1",
                    fromPort: nil,
                    toPort: nil,
                    peer: .group(id: ids.securityGroup, owner: owner),
                    description: nil
                )
            ],
            egress: [Self.openEgress(groupID: ids.securityGroup)]
        )
        try transaction.save(group)
        let table = RouteTable(
            id: ids.routeTable,
            owner: owner,
            region: region,
            vpcID: vpc.id,
            routes: [RouteTable.Route(destinationCIDR: cidr.description, gatewayID: "local", origin: "CreateRouteTable")],
            associations: [RouteTable.Association(id: ids.mainAssociation, subnetID: nil, isMain: true)]
        )
        try transaction.save(table)
        return table
    }

    /// The rule every new VPC group starts with: all traffic out to anywhere.
    static func openEgress(groupID: String) -> SecurityGroupRule {
        SecurityGroupRule(
            id: derivedID(.securityGroupRule, groupID, "out"),
            isEgress: true,
            ipProtocol: "-1",
            fromPort: nil,
            toPort: nil,
            peer: .ipv4("0.0.0.0/0"),
            description: nil
        )
    }

    /// DescribeAccountAttributes: the platforms (VPC only) and the default VPC, with EC2's limits.
    package func accountAttributes(_ caller: Caller, names: [String]) async throws -> [(name: String, values: [String])] {
        try await ensureDefaultNetwork(caller)
        let defaultVpc = try await read(caller) { try $0.defaultVpc(caller: caller)?.id }
        let all: [(name: String, values: [String])] = [
            ("supported-platforms", ["VPC"]),
            ("default-vpc", [defaultVpc ?? "none"]),
            ("max-instances", ["1000"]),
            ("vpc-max-security-groups-per-interface", ["5"]),
            ("max-elastic-ips", ["5"]),
            ("vpc-max-elastic-ips", ["5"]),
        ]
        for name in names where !all.contains(where: { $0.name == name }) {
            throw CloudError.invalidParameterValue("Value (\(name)) for parameter attributeName is invalid. Unknown attribute.")
        }
        return names.isEmpty ? all : all.filter { names.contains($0.name) }
    }
}
