/// A security group: named sets of ingress and egress rules in one VPC, which instances'
/// network interfaces are members of.
package struct SecurityGroup: StoredResource, Equatable {
    package static let kind = ResourcePrefix.securityGroup

    package var id: String
    package var owner: AccountID
    package var region: RegionName
    package var vpcID: String
    /// Unique within the VPC; never begins with `sg-`.
    package var name: String
    package var description: String
    package var ingress: [SecurityGroupRule]
    package var egress: [SecurityGroupRule]

    /// Whether this is its VPC's `default` group, which cannot be deleted.
    package var isDefault: Bool { name == "default" }

    /// The group's ARN.
    package var arn: String { "arn:aws:ec2:\(region):\(owner):security-group/\(id)" }

    /// Every rule, ingress first.
    package var rules: [SecurityGroupRule] { ingress + egress }
}
