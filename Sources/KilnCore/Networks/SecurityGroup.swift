/// A security group: named sets of ingress and egress rules in one VPC, which instances'
/// network interfaces are members of.
public struct SecurityGroup: StoredResource, Equatable {
    public static let kind = ResourcePrefix.securityGroup

    public var id: String
    public var owner: AccountID
    public var region: RegionName
    public var vpcID: String
    /// Unique within the VPC; never begins with `sg-`.
    public var name: String
    public var description: String
    public var ingress: [SecurityGroupRule]
    public var egress: [SecurityGroupRule]

    /// Whether this is its VPC's `default` group, which cannot be deleted.
    public var isDefault: Bool { name == "default" }

    /// The group's ARN.
    public var arn: String { "arn:aws:ec2:\(region):\(owner):security-group/\(id)" }

    /// Every rule, ingress first.
    public var rules: [SecurityGroupRule] { ingress + egress }
}
