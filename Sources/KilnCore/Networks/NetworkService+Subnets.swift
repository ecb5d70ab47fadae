import Foundation

/// CreateSubnet, DescribeSubnets, DeleteSubnet and ModifySubnetAttribute.
extension NetworkService {
    /// The DescribeSubnets filters Kiln answers.
    static let subnetFilterNames: Set<String> = [
        "subnet-id", "vpc-id", "cidr", "cidr-block", "cidrBlock", "availability-zone", "availabilityZone", "availability-zone-id",
        "availabilityZoneId", "default-for-az", "defaultForAz", "state", "map-public-ip-on-launch", "owner-id", "available-ip-address-count",
        "subnet-arn",
    ]

    /// CreateSubnet: a range inside its VPC's that overlaps none of the VPC's other subnets,
    /// in a zone given by name or id (the region's first when neither is).
    package func createSubnet(
        _ caller: Caller,
        vpcID: String,
        cidrBlock: String?,
        zone: String?,
        zoneID: String?,
        tags: [Tag]
    ) async throws -> Subnet {
        guard let cidrBlock else { throw CloudError.missingParameter("CidrBlock") }
        guard let cidr = IPv4CIDR(cidrBlock) else { throw CloudError.malformedCIDR(cidrBlock) }
        let region = try regions.requireEnabled(caller.region)
        let placement: AvailabilityZone
        if let zone {
            guard let found = region.zones.first(where: { $0.name == zone }) else {
                throw CloudError.invalidParameterValue(
                    "Value (\(zone)) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: \(region.zones.map(\.name).joined(separator: ", "))."
                )
            }
            placement = found
        } else if let zoneID {
            guard let found = region.zones.first(where: { $0.id == zoneID }) else {
                throw CloudError.invalidParameterValue("Value (\(zoneID)) for parameter availabilityZoneId is invalid.")
            }
            placement = found
        } else {
            guard let first = region.zones.first else { throw CloudError("Unsupported", "The region \(region.name) has no availability zone.") }
            placement = first
        }
        for tag in tags { try tag.validate() }
        try await ensureDefaultNetwork(caller)
        let subnetID = ids.resourceID(.subnet)
        let now = clock.now
        return try await write(caller) { transaction in
            let vpc = try transaction.ownedVpc(vpcID, caller: caller)
            guard (16...28).contains(cidr.prefixLength), cidr.isAligned, vpc.cidr.contains(cidr) else {
                throw CloudError.invalidSubnetRange(cidrBlock)
            }
            let siblings = try transaction.fetchAll(Subnet.self, region: caller.region, owner: caller.account).filter { $0.vpcID == vpcID }
            if siblings.contains(where: { $0.cidr.overlaps(cidr) }) { throw CloudError.subnetConflict(cidrBlock) }
            let subnet = Subnet(
                id: subnetID,
                owner: caller.account,
                region: caller.region,
                vpcID: vpcID,
                cidr: cidr,
                availabilityZone: placement.name,
                availabilityZoneID: placement.id,
                defaultForZone: false,
                mapPublicIpOnLaunch: false,
                usedOffsets: [],
                createTime: now
            )
            try transaction.save(subnet)
            try tag(subnet.id, .subnet, with: tags, caller: caller, in: transaction)
            return subnet
        }
    }

    /// DescribeSubnets.
    package func describeSubnets(
        _ caller: Caller,
        ids: [String]?,
        filters: [Filter],
        page: PageRequest
    ) async throws -> (items: [(Subnet, [Tag])], nextToken: String?) {
        try await describe(
            caller,
            Subnet.self,
            ids: ids,
            notFound: CloudError.subnetNotFound,
            filters: filters,
            supported: Self.subnetFilterNames,
            page: page
        ) { subnet, name in
            switch name {
            case "subnet-id": return [subnet.id]
            case "vpc-id": return [subnet.vpcID]
            case "cidr", "cidr-block", "cidrBlock": return [subnet.cidr.description]
            case "availability-zone", "availabilityZone": return [subnet.availabilityZone]
            case "availability-zone-id", "availabilityZoneId": return [subnet.availabilityZoneID]
            case "default-for-az", "defaultForAz": return Self.flag(subnet.defaultForZone)
            case "state": return ["available"]
            case "map-public-ip-on-launch": return Self.flag(subnet.mapPublicIpOnLaunch)
            case "owner-id": return [subnet.owner.rawValue]
            case "available-ip-address-count": return [String(subnet.availableAddressCount)]
            case "subnet-arn": return [subnet.arn]
            default: return []
            }
        }
    }

    /// DeleteSubnet: refused with `DependencyViolation` while an interface uses it.
    package func deleteSubnet(_ caller: Caller, id: String) async throws {
        try await ensureDefaultNetwork(caller)
        try await write(caller) { transaction in
            let subnet = try transaction.ownedSubnet(id, caller: caller)
            guard subnet.usedOffsets.isEmpty else {
                throw CloudError.dependencyViolation("The subnet '\(id)' has dependencies and cannot be deleted.")
            }
            for var table in try transaction.fetchAll(RouteTable.self, region: caller.region, owner: caller.account)
            where table.associations.contains(where: { $0.subnetID == id }) {
                table.associations.removeAll { $0.subnetID == id }
                try transaction.save(table)
            }
            try transaction.delete(Subnet.self, id: id)
        }
    }

    /// ModifySubnetAttribute: whether launches get a public address by default.
    package func modifySubnetAttribute(_ caller: Caller, id: String, mapPublicIpOnLaunch: Bool?) async throws {
        guard let mapPublicIpOnLaunch else {
            throw CloudError.missingParameter("MapPublicIpOnLaunch (the one attribute of a subnet Kiln changes)")
        }
        try await ensureDefaultNetwork(caller)
        try await write(caller) { transaction in
            var subnet = try transaction.ownedSubnet(id, caller: caller)
            subnet.mapPublicIpOnLaunch = mapPublicIpOnLaunch
            try transaction.save(subnet)
        }
    }
}
