import Foundation

/// DescribeNetworkInterfaces, and the network filters of DescribeInstances.
extension NetworkService {
    /// The DescribeNetworkInterfaces filters Kiln answers.
    static let interfaceFilterNames: Set<String> = [
        "network-interface-id", "subnet-id", "vpc-id", "availability-zone", "private-ip-address", "addresses.private-ip-address",
        "private-dns-name", "mac-address", "group-id", "group-name", "owner-id", "status", "description", "interface-type",
        "attachment.instance-id", "attachment.attachment-id", "attachment.device-index", "attachment.status", "attachment.delete-on-termination",
        "association.public-ip", "association.public-dns-name", "source-dest-check", "requester-managed",
    ]

    /// DescribeNetworkInterfaces.
    package func describeNetworkInterfaces(
        _ caller: Caller,
        ids: [String]?,
        filters: [Filter],
        page: PageRequest
    ) async throws -> (items: [(NetworkInterface, [Tag])], nextToken: String?) {
        try await describe(
            caller,
            NetworkInterface.self,
            ids: ids,
            notFound: CloudError.networkInterfaceNotFound,
            filters: filters,
            supported: Self.interfaceFilterNames,
            page: page
        ) { interface, name in
            switch name {
            case "network-interface-id": return [interface.id]
            case "subnet-id": return [interface.subnetID]
            case "vpc-id": return [interface.vpcID]
            case "availability-zone": return [interface.availabilityZone]
            case "private-ip-address", "addresses.private-ip-address": return [interface.privateIPAddress]
            case "private-dns-name": return [interface.privateDNSName]
            case "mac-address": return [interface.macAddress]
            case "group-id": return interface.groups.map(\.id)
            case "group-name": return interface.groups.map(\.name)
            case "owner-id": return [interface.owner.rawValue]
            case "status": return [interface.attachment == nil ? "available" : "in-use"]
            case "description": return [interface.description]
            case "interface-type": return ["interface"]
            case "attachment.instance-id": return interface.attachment.map { [$0.instanceID] } ?? []
            case "attachment.attachment-id": return interface.attachment.map { [$0.id] } ?? []
            case "attachment.device-index": return interface.attachment.map { [String($0.deviceIndex)] } ?? []
            case "attachment.status": return interface.attachment == nil ? [] : ["attached"]
            case "attachment.delete-on-termination": return interface.attachment.map { Self.flag($0.deleteOnTermination) } ?? []
            case "association.public-ip": return interface.publicIPAddress.map { [$0] } ?? []
            case "association.public-dns-name": return interface.publicDNSName.map { [$0] } ?? []
            case "source-dest-check": return ["true"]
            case "requester-managed": return ["false"]
            default: return []
            }
        }
    }

    /// The DescribeInstances filters on networks.
    package static let instanceFilterNames: Set<String> = [
        "vpc-id", "subnet-id", "instance.group-name", "group-name", "ip-address", "dns-name", "network-interface.network-interface-id",
        "network-interface.subnet-id", "network-interface.vpc-id", "network-interface.mac-address", "network-interface.private-dns-name",
        "network-interface.addresses.private-ip-address", "network-interface.group-id", "network-interface.group-name",
        "network-interface.attachment.attachment-id", "network-interface.attachment.instance-id", "network-interface.attachment.device-index",
        "network-interface.attachment.status", "network-interface.status", "network-interface.source-dest-check",
        "network-interface.association.public-ip", "network-interface.addresses.association.public-ip", "network-interface.description",
        "association.public-ip",
    ]

    /// An instance's values for a network filter of DescribeInstances; `nil` for other names.
    package static func instanceFilterValues(_ name: String, instance: Instance) -> [String]? {
        guard instanceFilterNames.contains(name) else { return nil }
        guard let network = instance.network, instance.state != .terminated else { return [] }
        let publicIP = network.publicIPAddress.map { [$0] } ?? []
        switch name {
        case "vpc-id", "network-interface.vpc-id": return [network.vpcID]
        case "subnet-id", "network-interface.subnet-id": return [network.subnetID]
        case "instance.group-name", "group-name", "network-interface.group-name": return network.groups.map(\.name)
        case "network-interface.group-id": return network.groups.map(\.id)
        case "ip-address", "association.public-ip", "network-interface.association.public-ip", "network-interface.addresses.association.public-ip":
            return publicIP
        case "dns-name": return network.publicDNSName(region: instance.region).map { [$0] } ?? []
        case "network-interface.network-interface-id": return [network.networkInterfaceID]
        case "network-interface.mac-address": return [network.macAddress]
        case "network-interface.private-dns-name": return [instance.privateDNSName]
        case "network-interface.addresses.private-ip-address": return [instance.privateIPAddress]
        case "network-interface.attachment.attachment-id": return [network.attachmentID]
        case "network-interface.attachment.instance-id": return [instance.id]
        case "network-interface.attachment.device-index": return ["0"]
        case "network-interface.attachment.status": return ["attached"]
        case "network-interface.status": return ["in-use"]
        case "network-interface.source-dest-check": return ["true"]
        default: return []
        }
    }
}

extension NetworkService {
    /// Whether `id` names a network resource the caller owns in its region, for CreateTags;
    /// `false` for kinds that are not network resources, the NotFound error of the kind otherwise.
    func ownsTaggable(_ id: String, prefix: ResourcePrefix, caller: Caller, in transaction: any MetadataTransaction) throws -> Bool {
        func owned<Resource: StoredResource>(_ type: Resource.Type, _ notFound: (String) -> CloudError) throws -> Bool {
            try transaction.requireWellFormed(id, type.kind)
            guard let resource = try transaction.fetch(type, id: id), resource.owner == caller.account, resource.region == caller.region else {
                throw notFound(id)
            }
            return true
        }
        switch prefix {
        case .vpc: return try owned(Vpc.self, CloudError.vpcNotFound)
        case .subnet: return try owned(Subnet.self, CloudError.subnetNotFound)
        case .securityGroup: return try owned(SecurityGroup.self, CloudError.securityGroupNotFound)
        case .internetGateway: return try owned(InternetGateway.self, CloudError.internetGatewayNotFound)
        case .routeTable: return try owned(RouteTable.self, CloudError.routeTableNotFound)
        case .networkInterface: return try owned(NetworkInterface.self, CloudError.networkInterfaceNotFound)
        case .securityGroupRule:
            let groups = try transaction.fetchAll(SecurityGroup.self, region: caller.region, owner: caller.account)
            guard groups.contains(where: { $0.rules.contains { $0.id == id } }) else { throw CloudError.securityGroupRuleNotFound(id) }
            return true
        default: return false
        }
    }
}
