import Foundation
import KilnCore
import KilnWire

extension EC2Front {
    /// The security group calls: the groups, and their rules.
    static func registerSecurityGroups(in operations: inout OperationTable, cloud: Cloud) {
        registerSecurityGroupLifecycle(in: &operations, cloud: cloud)
        registerSecurityGroupRules(in: &operations, cloud: cloud)
    }

    /// CreateSecurityGroup, DescribeSecurityGroups and DeleteSecurityGroup.
    static func registerSecurityGroupLifecycle(in operations: inout OperationTable, cloud: Cloud) {
        operations.on(EC2.CreateSecurityGroup.self) { input, caller in
            let tags = try tags(of: input.tagSpecifications, for: "security-group")
            let group = try await cloud.networks.createSecurityGroup(
                caller,
                name: input.groupName,
                description: input.description,
                vpcID: nonEmpty(input.vpcId),
                tags: tags
            )
            return EC2.CreateSecurityGroupResult(groupId: group.id, securityGroupArn: group.arn, tags: wireTags(tags))
        }
        operations.on(EC2.DescribeSecurityGroups.self) { input, caller in
            let page = try cloud.context.pageRequest(
                "DescribeSecurityGroups",
                caller: caller,
                maxResults: input.maxResults,
                nextToken: input.nextToken,
                allowed: 5...1000,
                parameters: [String(describing: input.filters), String(describing: input.groupIds), String(describing: input.groupNames)]
            )
            let (items, nextToken) = try await cloud.networks.describeSecurityGroups(
                caller,
                ids: input.groupIds,
                names: input.groupNames,
                filters: filters(input.filters),
                page: page
            )
            return EC2.DescribeSecurityGroupsResult(nextToken: nextToken, securityGroups: items.map(wireSecurityGroup))
        }
        operations.on(EC2.DeleteSecurityGroup.self) { input, caller in
            let id = try await cloud.networks.deleteSecurityGroup(caller, id: input.groupId, name: input.groupName)
            return EC2.DeleteSecurityGroupResult(groupId: id, return: true)
        }
    }

    /// DescribeSecurityGroupRules, and the calls that authorize and revoke rules.
    static func registerSecurityGroupRules(in operations: inout OperationTable, cloud: Cloud) {
        operations.on(EC2.DescribeSecurityGroupRules.self) { input, caller in
            let page = try cloud.context.pageRequest(
                "DescribeSecurityGroupRules",
                caller: caller,
                maxResults: input.maxResults,
                nextToken: input.nextToken,
                allowed: 5...1000,
                parameters: [String(describing: input.filters), String(describing: input.securityGroupRuleIds)]
            )
            let (items, nextToken) = try await cloud.networks.describeSecurityGroupRules(
                caller,
                ids: input.securityGroupRuleIds,
                filters: filters(input.filters),
                page: page
            )
            return EC2.DescribeSecurityGroupRulesResult(nextToken: nextToken, securityGroupRules: items.map { wireRule($1, of: $0, tags: $2) })
        }
        operations.on(EC2.AuthorizeSecurityGroupIngress.self) { input, caller in
            let rules = try await authorize(input, .ingress, tagSpecifications: input.tagSpecifications, caller: caller, cloud: cloud)
            return EC2.AuthorizeSecurityGroupIngressResult(return: true, securityGroupRules: rules)
        }
        operations.on(EC2.AuthorizeSecurityGroupEgress.self) { input, caller in
            let rules = try await authorize(input, .egress, tagSpecifications: input.tagSpecifications, caller: caller, cloud: cloud)
            return EC2.AuthorizeSecurityGroupEgressResult(return: true, securityGroupRules: rules)
        }
        operations.on(EC2.RevokeSecurityGroupIngress.self) { input, caller in
            let (revoked, unknown) = try await revoke(input, .ingress, ruleIDs: input.securityGroupRuleIds ?? [], caller: caller, cloud: cloud)
            return EC2.RevokeSecurityGroupIngressResult(return: true, revokedSecurityGroupRules: revoked, unknownIpPermissions: unknown)
        }
        operations.on(EC2.RevokeSecurityGroupEgress.self) { input, caller in
            let (revoked, unknown) = try await revoke(input, .egress, ruleIDs: input.securityGroupRuleIds ?? [], caller: caller, cloud: cloud)
            return EC2.RevokeSecurityGroupEgressResult(return: true, revokedSecurityGroupRules: revoked, unknownIpPermissions: unknown)
        }
    }

    /// AuthorizeSecurityGroupIngress and AuthorizeSecurityGroupEgress: the rules added, as the wire shows them.
    static func authorize(
        _ input: some SecurityGroupRuleRequest,
        _ direction: NetworkService.RuleDirection,
        tagSpecifications: [EC2.TagSpecification]?,
        caller: Caller,
        cloud: Cloud
    ) async throws -> [EC2.SecurityGroupRule] {
        let permissions = try permissions(input.ipPermissions, flat: input.flatRule)
        let tags = try tags(of: tagSpecifications, for: "security-group-rule")
        let (group, rules) = try await cloud.networks.authorize(
            caller,
            direction: direction,
            groupID: input.ruleGroupID,
            groupName: input.ruleGroupName,
            permissions: permissions,
            tags: tags
        )
        return rules.map { wireRule($0, of: group, tags: tags) }
    }

    /// RevokeSecurityGroupIngress and RevokeSecurityGroupEgress, by rule ids or by rules: the
    /// rules revoked, and the rules asked for that the group did not have (nil when none).
    static func revoke(
        _ input: some SecurityGroupRuleRequest,
        _ direction: NetworkService.RuleDirection,
        ruleIDs: [String],
        caller: Caller,
        cloud: Cloud
    ) async throws -> (revoked: [EC2.RevokedSecurityGroupRule], unknown: [EC2.IpPermission]?) {
        let flat = input.flatRule
        let byRules = ruleIDs.isEmpty || input.ipPermissions != nil || flat.isGiven
        let permissions = byRules ? try permissions(input.ipPermissions, flat: flat) : []
        let (revoked, unknown, group) = try await cloud.networks.revoke(
            caller,
            direction: direction,
            groupID: input.ruleGroupID,
            groupName: input.ruleGroupName,
            permissions: permissions,
            ruleIDs: ruleIDs
        )
        return (revoked.map { wireRevoked($0, of: group) }, unknown.isEmpty ? nil : wirePermissions(unknown))
    }

    /// The older flat form of a rule: one protocol, port range and peer as top-level parameters.
    struct FlatRule {
        var ipProtocol: String?
        var fromPort: Int?
        var toPort: Int?
        var cidrIP: String?
        var sourceGroupName: String?
        var sourceGroupOwner: String?

        init(_ ipProtocol: String?, _ fromPort: Int?, _ toPort: Int?, _ cidrIP: String?, _ sourceGroupName: String?, _ sourceGroupOwner: String?) {
            self.ipProtocol = ipProtocol
            self.fromPort = fromPort
            self.toPort = toPort
            self.cidrIP = cidrIP
            self.sourceGroupName = sourceGroupName
            self.sourceGroupOwner = sourceGroupOwner
        }

        var isGiven: Bool { ipProtocol != nil || cidrIP != nil || sourceGroupName != nil || fromPort != nil || toPort != nil }
    }

    /// The domain's permissions from the IpPermissions form, or else the flat form; both at once are refused.
    static func permissions(_ wire: [EC2.IpPermission]?, flat: FlatRule) throws -> [SecurityGroupPermission] {
        if let wire, !wire.isEmpty {
            if flat.isGiven {
                throw CloudError.invalidParameterCombination(
                    "The parameter 'ipPermissions' cannot be used with the flat rule parameters (IpProtocol, FromPort, ToPort, CidrIp, SourceSecurityGroupName)."
                )
            }
            return wire.map { permission in
                SecurityGroupPermission(
                    ipProtocol: permission.ipProtocol,
                    fromPort: permission.fromPort,
                    toPort: permission.toPort,
                    ipv4Ranges: (permission.ipRanges ?? []).map { .init(value: $0.cidrIp ?? "", description: $0.description) },
                    ipv6Ranges: (permission.ipv6Ranges ?? []).map { .init(value: $0.cidrIpv6 ?? "", description: $0.description) },
                    groups: (permission.userIdGroupPairs ?? []).map {
                        .init(groupID: $0.groupId, groupName: $0.groupName, userID: $0.userId, description: $0.description)
                    },
                    prefixLists: (permission.prefixListIds ?? []).map { .init(value: $0.prefixListId ?? "", description: $0.description) }
                )
            }
        }
        guard flat.isGiven else { throw CloudError.missingParameter("IpPermissions") }
        if let name = flat.sourceGroupName {
            // The flat form with a source group allows every protocol and port from it.
            return [
                SecurityGroupPermission(
                    ipProtocol: flat.ipProtocol ?? "-1",
                    fromPort: flat.fromPort,
                    toPort: flat.toPort,
                    groups: [.init(groupID: nil, groupName: name, userID: flat.sourceGroupOwner, description: nil)]
                )
            ]
        }
        return [
            SecurityGroupPermission(
                ipProtocol: flat.ipProtocol,
                fromPort: flat.fromPort,
                toPort: flat.toPort,
                ipv4Ranges: flat.cidrIP.map { [.init(value: $0, description: nil)] } ?? []
            )
        ]
    }

    static func wireSecurityGroup(_ group: SecurityGroup, tags: [Tag]) -> EC2.SecurityGroup {
        EC2.SecurityGroup(
            description: group.description,
            groupId: group.id,
            groupName: group.name,
            ipPermissions: wirePermissions(group.ingress),
            ipPermissionsEgress: wirePermissions(group.egress),
            ownerId: group.owner.rawValue,
            securityGroupArn: group.arn,
            tags: wireTags(tags),
            vpcId: group.vpcID
        )
    }

    /// Rules merged into AWS's IpPermissions: one per protocol and port range, in the order first seen.
    static func wirePermissions(_ rules: [SecurityGroupRule]) -> [EC2.IpPermission] {
        var permissions: [EC2.IpPermission] = []
        for rule in rules {
            let index: Int
            if let found = permissions.firstIndex(where: {
                $0.ipProtocol == rule.ipProtocol && $0.fromPort == rule.fromPort && $0.toPort == rule.toPort
            }) {
                index = found
            } else {
                permissions.append(
                    EC2.IpPermission(
                        fromPort: rule.fromPort,
                        ipProtocol: rule.ipProtocol,
                        ipRanges: [],
                        ipv6Ranges: [],
                        prefixListIds: [],
                        toPort: rule.toPort,
                        userIdGroupPairs: []
                    )
                )
                index = permissions.count - 1
            }
            switch rule.peer {
            case .ipv4(let cidr): permissions[index].ipRanges?.append(EC2.IpRange(cidrIp: cidr, description: rule.description))
            case .ipv6(let cidr): permissions[index].ipv6Ranges?.append(EC2.Ipv6Range(cidrIpv6: cidr, description: rule.description))
            case .group(let id, let owner):
                permissions[index].userIdGroupPairs?.append(EC2.UserIdGroupPair(description: rule.description, groupId: id, userId: owner.rawValue))
            case .prefixList(let id): permissions[index].prefixListIds?.append(EC2.PrefixListId(description: rule.description, prefixListId: id))
            }
        }
        return permissions
    }

    static func wireRule(_ rule: SecurityGroupRule, of group: SecurityGroup, tags: [Tag]) -> EC2.SecurityGroupRule {
        var wire = EC2.SecurityGroupRule(
            description: rule.description,
            fromPort: rule.fromPort ?? -1,
            groupId: group.id,
            groupOwnerId: group.owner.rawValue,
            ipProtocol: rule.ipProtocol,
            isEgress: rule.isEgress,
            securityGroupRuleArn: "arn:aws:ec2:\(group.region):\(group.owner):security-group-rule/\(rule.id)",
            securityGroupRuleId: rule.id,
            tags: wireTags(tags) ?? [],
            toPort: rule.toPort ?? -1
        )
        switch rule.peer {
        case .ipv4(let cidr): wire.cidrIpv4 = cidr
        case .ipv6(let cidr): wire.cidrIpv6 = cidr
        case .group(let id, let owner): wire.referencedGroupInfo = EC2.ReferencedSecurityGroup(groupId: id, userId: owner.rawValue)
        case .prefixList(let id): wire.prefixListId = id
        }
        return wire
    }

    static func wireRevoked(_ rule: SecurityGroupRule, of group: SecurityGroup) -> EC2.RevokedSecurityGroupRule {
        var wire = EC2.RevokedSecurityGroupRule(
            description: rule.description,
            fromPort: rule.fromPort ?? -1,
            groupId: group.id,
            ipProtocol: rule.ipProtocol,
            isEgress: rule.isEgress,
            securityGroupRuleId: rule.id,
            toPort: rule.toPort ?? -1
        )
        switch rule.peer {
        case .ipv4(let cidr): wire.cidrIpv4 = cidr
        case .ipv6(let cidr): wire.cidrIpv6 = cidr
        case .group(let id, _): wire.referencedGroupId = id
        case .prefixList(let id): wire.prefixListId = id
        }
        return wire
    }
}
