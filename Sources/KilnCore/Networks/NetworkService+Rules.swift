import Foundation

/// AuthorizeSecurityGroupIngress/Egress, RevokeSecurityGroupIngress/Egress and
/// DescribeSecurityGroupRules.
extension NetworkService {
    /// Which of a group's rule lists a call changes.
    package enum RuleDirection: Sendable {
        case ingress
        case egress

        var isEgress: Bool { self == .egress }
    }

    /// The rules `permissions` spell, one per peer, for `group`; checked as AWS checks them.
    func rules(
        _ permissions: [SecurityGroupPermission],
        direction: RuleDirection,
        group: SecurityGroup,
        caller: Caller,
        in transaction: any MetadataTransaction
    ) throws -> [SecurityGroupRule] {
        guard !permissions.isEmpty else { throw CloudError.missingParameter("IpPermissions") }
        var rules: [SecurityGroupRule] = []
        for permission in permissions {
            let (ipProtocol, fromPort, toPort) = try permission.protocolAndPorts()
            var peers: [(SecurityGroupRule.Peer, String?)] = []
            for range in permission.ipv4Ranges {
                guard let cidr = IPv4CIDR(range.value), cidr.isAligned else {
                    throw CloudError.invalidParameterValue("CIDR block \(range.value) is malformed")
                }
                peers.append((.ipv4(cidr.description), range.description))
            }
            for range in permission.ipv6Ranges {
                guard IPv6CIDR.isValid(range.value) else { throw CloudError.invalidParameterValue("CIDR block \(range.value) is malformed") }
                peers.append((.ipv6(range.value.lowercased()), range.description))
            }
            for peer in permission.groups {
                let referenced = try referencedGroup(peer, from: group, caller: caller, in: transaction)
                peers.append((.group(id: referenced.id, owner: referenced.owner), peer.description))
            }
            for list in permission.prefixLists {
                guard list.value.hasPrefix("pl-") else { throw CloudError("InvalidPrefixListId.Malformed", "Invalid id: \"\(list.value)\"") }
                peers.append((.prefixList(list.value), list.description))
            }
            guard !peers.isEmpty else {
                throw CloudError.missingParameter("a peer: IpRanges, Ipv6Ranges, UserIdGroupPairs or PrefixListIds")
            }
            for (peer, description) in peers {
                rules.append(
                    SecurityGroupRule(
                        id: "",
                        isEgress: direction.isEgress,
                        ipProtocol: ipProtocol,
                        fromPort: fromPort,
                        toPort: toPort,
                        peer: peer,
                        description: description
                    )
                )
            }
        }
        return rules
    }

    /// The group a rule names as its peer: by id in any of the caller's VPCs' region, or by
    /// name in the rule's own VPC.
    private func referencedGroup(
        _ peer: SecurityGroupPermission.GroupPeer,
        from group: SecurityGroup,
        caller: Caller,
        in transaction: any MetadataTransaction
    ) throws -> SecurityGroup {
        if let id = peer.groupID {
            guard id.hasPrefix("sg-") else { throw CloudError.malformedGroupID(id) }
            guard let found = try transaction.fetch(SecurityGroup.self, id: id), found.region == caller.region,
                found.owner == caller.account || found.owner.rawValue == peer.userID
            else { throw CloudError.securityGroupNotFound(id) }
            return found
        }
        guard let name = peer.groupName else { throw CloudError.missingParameter("GroupId or GroupName of the UserIdGroupPair") }
        guard let found = try transaction.securityGroup(named: name, vpcID: group.vpcID, caller: caller) else {
            throw CloudError.securityGroupNameNotFound(name, vpcID: group.vpcID)
        }
        return found
    }

    /// AuthorizeSecurityGroupIngress or Egress: adds every rule or none; a rule the group has,
    /// or one given twice, is `InvalidPermission.Duplicate`. Returns the new rules and the group.
    package func authorize(
        _ caller: Caller,
        direction: RuleDirection,
        groupID: String?,
        groupName: String?,
        permissions: [SecurityGroupPermission],
        tags: [Tag]
    ) async throws -> (SecurityGroup, [SecurityGroupRule]) {
        for tag in tags { try tag.validate() }
        try await ensureDefaultNetwork(caller)
        let ruleIDs = (0..<permissions.reduce(0) { $0 + max(1, $1.ipv4Ranges.count + $1.ipv6Ranges.count + $1.groups.count + $1.prefixLists.count) })
            .map { _ in ids.resourceID(.securityGroupRule) }
        return try await write(caller) { transaction in
            var group = try resolveGroup(id: groupID, name: groupName, caller: caller, in: transaction)
            var added = try rules(permissions, direction: direction, group: group, caller: caller, in: transaction)
            var existing = direction.isEgress ? group.egress : group.ingress
            for index in added.indices {
                added[index].id = ruleIDs[index]
                if existing.contains(where: { $0.matches(added[index]) }) { throw CloudError.duplicatePermission(added[index]) }
                existing.append(added[index])
            }
            if direction.isEgress { group.egress = existing } else { group.ingress = existing }
            try transaction.save(group)
            for rule in added { try tag(rule.id, .securityGroupRule, with: tags, caller: caller, in: transaction) }
            return (group, added)
        }
    }

    /// RevokeSecurityGroupIngress or Egress, by rule ids or by the rules' values. In a
    /// non-default VPC a rule that is not there is `InvalidPermission.NotFound` and nothing is
    /// revoked; in the default VPC the rest are revoked and the unknown ones returned, as on AWS.
    package func revoke(
        _ caller: Caller,
        direction: RuleDirection,
        groupID: String?,
        groupName: String?,
        permissions: [SecurityGroupPermission],
        ruleIDs: [String]
    ) async throws -> (revoked: [SecurityGroupRule], unknown: [SecurityGroupRule], group: SecurityGroup) {
        try await ensureDefaultNetwork(caller)
        return try await write(caller) { transaction in
            var group = try resolveGroup(id: groupID, name: groupName, caller: caller, in: transaction)
            var existing = direction.isEgress ? group.egress : group.ingress
            var revoked: [SecurityGroupRule] = []
            var unknown: [SecurityGroupRule] = []
            for id in ruleIDs {
                guard let index = existing.firstIndex(where: { $0.id == id }) else { throw CloudError.securityGroupRuleNotFound(id) }
                revoked.append(existing.remove(at: index))
            }
            let requested = permissions.isEmpty ? [] : try rules(permissions, direction: direction, group: group, caller: caller, in: transaction)
            let isDefaultVpc = try transaction.fetch(Vpc.self, id: group.vpcID)?.isDefault ?? false
            for rule in requested {
                if let index = existing.firstIndex(where: { $0.matches(rule) }) {
                    revoked.append(existing.remove(at: index))
                } else if isDefaultVpc {
                    unknown.append(rule)
                } else {
                    throw CloudError.permissionNotFound
                }
            }
            if ruleIDs.isEmpty, permissions.isEmpty { throw CloudError.missingParameter("IpPermissions or SecurityGroupRuleIds") }
            if direction.isEgress { group.egress = existing } else { group.ingress = existing }
            try transaction.save(group)
            for rule in revoked {
                for tag in try transaction.tags(on: rule.id, by: caller.account) {
                    try transaction.removeTag(key: tag.key, from: rule.id, by: caller.account)
                }
            }
            return (revoked, unknown, group)
        }
    }

    /// DescribeSecurityGroupRules: every rule of the caller's groups, as separate items.
    package func describeSecurityGroupRules(
        _ caller: Caller,
        ids requested: [String]?,
        filters: [Filter],
        page: PageRequest
    ) async throws -> (items: [(SecurityGroup, SecurityGroupRule, [Tag])], nextToken: String?) {
        let filterSet = try FilterSet(filters, supported: ["group-id", "security-group-rule-id"], allowsTags: true)
        try await ensureDefaultNetwork(caller)
        let requested = (requested?.isEmpty ?? true) ? nil : Set(requested ?? [])
        let (pairs, tags): ([(SecurityGroup, SecurityGroupRule)], [String: [Tag]]) = try await read(caller) { transaction in
            let groups = try transaction.fetchAll(SecurityGroup.self, region: caller.region, owner: caller.account)
            let pairs = groups.flatMap { group in group.rules.map { (group, $0) } }.filter { requested?.contains($0.1.id) ?? true }
            for id in requested ?? [] where !pairs.contains(where: { $0.1.id == id }) { throw CloudError.securityGroupRuleNotFound(id) }
            return (pairs, try transaction.tags(on: pairs.map(\.1.id), by: caller.account))
        }
        let matching = pairs.filter { group, rule in
            filterSet.admits { name in
                if let values = FilterSet.tagValues(name, tags: tags[rule.id] ?? []) { return values }
                return name == "group-id" ? [group.id] : [rule.id]
            }
        }
        let (items, nextToken) = try page.page(of: matching)
        return (items.map { ($0.0, $0.1, tags[$0.1.id] ?? []) }, nextToken)
    }
}
