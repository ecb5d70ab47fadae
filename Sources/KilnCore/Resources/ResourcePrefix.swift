/// The prefix of an EC2 resource id, which also names the resource's type.
package enum ResourcePrefix: String, Sendable, CaseIterable, Codable {
    case image = "ami"
    case snapshot = "snap"
    case volume = "vol"
    case instance = "i"
    case reservation = "r"
    case launchTemplate = "lt"
    case keyPair = "key"
    case importTask = "import-ami"
    /// Not an AWS id: a store image task, keyed by its image's id.
    case storeImageTask = "store-image-task"
    /// Not an AWS id: an account's settings in one region.
    case accountSettings = "settings"
    /// Not an AWS id: an SSM parameter, keyed by account, region and name.
    case parameter = "ssm-parameter"
    /// Not an AWS id: an Auto Scaling group, keyed by account, region and name.
    case autoScalingGroup = "autoscaling-group"
    /// Not an AWS id: a launch configuration, keyed by account, region and name.
    case launchConfiguration = "launch-configuration"
    /// A KMS key, whose own id is a UUID.
    case kmsKey = "kms-key"
    /// Not an AWS id: a KMS alias, keyed by account, region and name.
    case kmsAlias = "kms-alias"
    /// Not an AWS id: a client token an idempotent call has used, keyed by operation, account,
    /// region and token.
    case clientToken = "client-token"
    case vpc = "vpc"
    case subnet = "subnet"
    case securityGroup = "sg"
    case securityGroupRule = "sgr"
    case internetGateway = "igw"
    case routeTable = "rtb"
    case routeTableAssociation = "rtbassoc"
    case networkInterface = "eni"
    case networkInterfaceAttachment = "eni-attach"
    case dhcpOptions = "dopt"
    case cidrAssociation = "vpc-cidr-assoc"
    /// Not an AWS id: a public address in use, keyed by the address.
    case publicAddress = "public-ip"
    /// Not an AWS id: the record that an account's default network exists in a region.
    case networkDefaults = "network-defaults"
    /// Not an AWS id: a Recycle Bin retention rule, whose own identifier is 11 letters and digits.
    case recycleBinRule = "rbin-rule"
    /// Not an AWS id: a snapshot in the Recycle Bin, keyed by its snapshot id.
    case recycledSnapshot = "rbin-snapshot"

    /// The `resource-type` DescribeTags shows and TagSpecifications name.
    package var resourceType: String {
        switch self {
        case .image: return "image"
        case .snapshot: return "snapshot"
        case .volume: return "volume"
        case .instance: return "instance"
        case .reservation: return "reservation"
        case .launchTemplate: return "launch-template"
        case .keyPair: return "key-pair"
        case .importTask: return "import-image-task"
        case .storeImageTask: return "store-image-task"
        case .accountSettings: return "settings"
        case .parameter: return "parameter"
        case .autoScalingGroup: return "auto-scaling-group"
        case .launchConfiguration: return "launch-configuration"
        case .kmsKey: return "key"
        case .kmsAlias: return "alias"
        case .clientToken: return "client-token"
        case .vpc: return "vpc"
        case .subnet: return "subnet"
        case .securityGroup: return "security-group"
        case .securityGroupRule: return "security-group-rule"
        case .internetGateway: return "internet-gateway"
        case .routeTable: return "route-table"
        case .routeTableAssociation: return "route-table-association"
        case .networkInterface: return "network-interface"
        case .networkInterfaceAttachment: return "network-interface-attachment"
        case .dhcpOptions: return "dhcp-options"
        case .cidrAssociation: return "vpc-cidr-block-association"
        case .publicAddress: return "public-ip"
        case .networkDefaults: return "network-defaults"
        case .recycleBinRule: return "rule"
        case .recycledSnapshot: return "recycled-snapshot"
        }
    }

    /// The prefix of a well-formed id (`prefix-` and 8 or 17 hex digits); `nil` otherwise.
    package init?(ofID id: String) {
        guard let dash = id.lastIndex(of: "-") else { return nil }
        let hex = id[id.index(after: dash)...]
        guard hex.count == 8 || hex.count == 17, hex.allSatisfy(\.isHexDigit) else { return nil }
        self.init(rawValue: String(id[..<dash]))
    }

    /// Whether `id` is a well-formed id of this type.
    package func matches(_ id: String) -> Bool {
        ResourcePrefix(ofID: id) == self
    }
}
