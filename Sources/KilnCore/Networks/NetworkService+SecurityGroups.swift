import Foundation

/// CreateSecurityGroup, DescribeSecurityGroups and DeleteSecurityGroup.
extension NetworkService {
    /// The DescribeSecurityGroups filters Kiln answers.
    static let securityGroupFilterNames: Set<String> = [
        "description", "group-id", "group-name", "owner-id", "vpc-id",
        "ip-permission.cidr", "ip-permission.from-port", "ip-permission.group-id", "ip-permission.ipv6-cidr", "ip-permission.protocol",
        "ip-permission.to-port", "ip-permission.prefix-list-id",
        "egress.ip-permission.cidr", "egress.ip-permission.from-port", "egress.ip-permission.group-id", "egress.ip-permission.ipv6-cidr",
        "egress.ip-permission.protocol", "egress.ip-permission.to-port", "egress.ip-permission.prefix-list-id",
    ]

    /// CreateSecurityGroup: a group in `vpcID`, or in the default VPC when none is named,
    /// that lets all traffic out and none in.
    package func createSecurityGroup(_ caller: Caller, name: String, description: String, vpcID: String?, tags: [Tag]) async throws -> SecurityGroup {
        guard !name.isEmpty else { throw CloudError.missingParameter("GroupName") }
        guard !description.isEmpty else { throw CloudError.missingParameter("GroupDescription") }
        if name.lowercased().hasPrefix("sg-") { throw CloudError.reservedGroupName(name) }
        guard name.count <= 255, description.count <= 255, name.allSatisfy(\.isASCII), description.allSatisfy(\.isASCII) else {
            throw CloudError.invalidParameterValue("Group names and descriptions are 1 to 255 ASCII characters.")
        }
        guard name != "default" else {
            throw CloudError.invalidParameterValue("Cannot use reserved security group name: default")
        }
        for tag in tags { try tag.validate() }
        try await ensureDefaultNetwork(caller)
        let groupID = ids.resourceID(.securityGroup)
        return try await write(caller) { transaction in
            let vpc: Vpc
            if let vpcID {
                vpc = try transaction.ownedVpc(vpcID, caller: caller)
            } else {
                guard let found = try transaction.defaultVpc(caller: caller) else { throw CloudError.noDefaultVpc }
                vpc = found
            }
            if try transaction.securityGroup(named: name, vpcID: vpc.id, caller: caller) != nil {
                throw CloudError.duplicateSecurityGroup(name, vpcID: vpc.id)
            }
            let group = SecurityGroup(
                id: groupID,
                owner: caller.account,
                region: caller.region,
                vpcID: vpc.id,
                name: name,
                description: description,
                ingress: [],
                egress: [Self.openEgress(groupID: groupID)]
            )
            try transaction.save(group)
            try tag(group.id, .securityGroup, with: tags, caller: caller, in: transaction)
            return group
        }
    }

    /// DescribeSecurityGroups: by id, by name (in the default VPC, as on AWS), or filtered.
    package func describeSecurityGroups(
        _ caller: Caller,
        ids requested: [String]?,
        names: [String]?,
        filters: [Filter],
        page: PageRequest
    ) async throws -> (items: [(SecurityGroup, [Tag])], nextToken: String?) {
        for id in requested ?? [] where !id.hasPrefix("sg-") { throw CloudError.malformedGroupID(id) }
        var requested = requested ?? []
        if let names, !names.isEmpty {
            try await ensureDefaultNetwork(caller)
            requested += try await read(caller) { transaction in
                let defaultVpc = try transaction.defaultVpc(caller: caller)
                return try names.map { name in
                    guard let vpc = defaultVpc, let group = try transaction.securityGroup(named: name, vpcID: vpc.id, caller: caller) else {
                        throw CloudError.securityGroupNameNotFound(name, vpcID: nil)
                    }
                    return group.id
                }
            }
        }
        return try await describe(
            caller,
            SecurityGroup.self,
            ids: requested.isEmpty ? nil : requested,
            notFound: CloudError.securityGroupNotFound,
            filters: filters,
            supported: Self.securityGroupFilterNames,
            page: page,
            values: Self.securityGroupFilterValues
        )
    }

    /// A group's values for a DescribeSecurityGroups filter name.
    @Sendable static func securityGroupFilterValues(_ group: SecurityGroup, _ name: String) -> [String] {
        let egress = name.hasPrefix("egress.")
        let rules = egress ? group.egress : group.ingress
        switch name.replacingOccurrences(of: "egress.", with: "") {
        case "description": return [group.description]
        case "group-id": return [group.id]
        case "group-name": return [group.name]
        case "owner-id": return [group.owner.rawValue]
        case "vpc-id": return [group.vpcID]
        case "ip-permission.cidr": return rules.compactMap { if case .ipv4(let cidr) = $0.peer { return cidr } else { return nil } }
        case "ip-permission.ipv6-cidr": return rules.compactMap { if case .ipv6(let cidr) = $0.peer { return cidr } else { return nil } }
        case "ip-permission.group-id": return rules.compactMap { if case .group(let id, _) = $0.peer { return id } else { return nil } }
        case "ip-permission.prefix-list-id": return rules.compactMap { if case .prefixList(let id) = $0.peer { return id } else { return nil } }
        case "ip-permission.from-port": return rules.compactMap { $0.fromPort.map(String.init) }
        case "ip-permission.to-port": return rules.compactMap { $0.toPort.map(String.init) }
        case "ip-permission.protocol": return rules.map(\.ipProtocol)
        default: return []
        }
    }

    /// DeleteSecurityGroup, by id or by name in the default VPC: refused for a VPC's default
    /// group (`CannotDelete`), and while an interface uses the group or another group's rule
    /// names it (`DependencyViolation`).
    package func deleteSecurityGroup(_ caller: Caller, id: String?, name: String?) async throws -> String {
        guard id != nil || name != nil else { throw CloudError.missingParameter("GroupId or GroupName") }
        try await ensureDefaultNetwork(caller)
        return try await write(caller) { transaction in
            let group = try resolveGroup(id: id, name: name, caller: caller, in: transaction)
            if group.isDefault { throw CloudError.cannotDeleteDefaultGroup(group) }
            let dependency = CloudError.dependencyViolation("resource \(group.id) has a dependent object")
            let interfaces = try transaction.fetchAll(NetworkInterface.self, region: caller.region, owner: caller.account)
            if interfaces.contains(where: { $0.groups.contains { $0.id == group.id } }) { throw dependency }
            let others = try transaction.fetchAll(SecurityGroup.self, region: caller.region, owner: caller.account).filter { $0.id != group.id }
            if others.contains(where: { $0.rules.contains { $0.peer == .group(id: group.id, owner: group.owner) } }) { throw dependency }
            try transaction.delete(SecurityGroup.self, id: group.id)
            return group.id
        }
    }

    /// The group a call names by id, or by name in the default VPC.
    func resolveGroup(id: String?, name: String?, caller: Caller, in transaction: any MetadataTransaction) throws -> SecurityGroup {
        if let id { return try transaction.ownedSecurityGroup(id, caller: caller) }
        let name = name ?? ""
        guard let vpc = try transaction.defaultVpc(caller: caller),
            let group = try transaction.securityGroup(named: name, vpcID: vpc.id, caller: caller)
        else { throw CloudError.securityGroupNameNotFound(name, vpcID: nil) }
        return group
    }
}
