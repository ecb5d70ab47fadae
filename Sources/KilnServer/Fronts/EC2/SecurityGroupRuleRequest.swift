import KilnWire

/// What the four rule calls (AuthorizeSecurityGroupIngress and Egress, RevokeSecurityGroupIngress
/// and Egress) take alike: the group, and rules in the IpPermissions form or the older flat form.
protocol SecurityGroupRuleRequest {
    var ipPermissions: [EC2.IpPermission]? { get }
    var ipProtocol: String? { get }
    var fromPort: Int? { get }
    var toPort: Int? { get }
    var cidrIp: String? { get }
    var sourceSecurityGroupName: String? { get }
    var sourceSecurityGroupOwnerId: String? { get }
    /// The group, by id.
    var ruleGroupID: String? { get }
    /// The group, by name: the ingress calls take one, the egress calls never.
    var ruleGroupName: String? { get }
}

extension SecurityGroupRuleRequest {
    /// The flat form's parameters.
    var flatRule: EC2Front.FlatRule {
        EC2Front.FlatRule(ipProtocol, fromPort, toPort, cidrIp, sourceSecurityGroupName, sourceSecurityGroupOwnerId)
    }
}

extension EC2.AuthorizeSecurityGroupIngressRequest: SecurityGroupRuleRequest {
    var ruleGroupID: String? { groupId }
    var ruleGroupName: String? { groupName }
}

extension EC2.AuthorizeSecurityGroupEgressRequest: SecurityGroupRuleRequest {
    var ruleGroupID: String? { groupId }
    var ruleGroupName: String? { nil }
}

extension EC2.RevokeSecurityGroupIngressRequest: SecurityGroupRuleRequest {
    var ruleGroupID: String? { groupId }
    var ruleGroupName: String? { groupName }
}

extension EC2.RevokeSecurityGroupEgressRequest: SecurityGroupRuleRequest {
    var ruleGroupID: String? { groupId }
    var ruleGroupName: String? { nil }
}
