import KilnCore

/// The lists of images the console offers, as the EC2 console's AMI page does.
enum ImageListScope: String, CaseIterable, Sendable {
    case own, shared, `public`, amazon, marketplace, community

    var label: String {
        switch self {
        case .own: "Owned by me"
        case .shared: "Shared with me"
        case .public: "Public"
        case .amazon: "Amazon"
        case .marketplace: "Marketplace"
        case .community: "Community"
        }
    }

    /// The DescribeImages scoping of the list: owners and executable users.
    func apply(to description: inout ImageDescription) {
        switch self {
        case .own:
            description.owners = ["self"]
            description.includeDisabled = true
        case .shared: description.executableUsers = ["self"]
        case .public, .community: description.executableUsers = ["all"]
        case .amazon: description.owners = ["amazon"]
        case .marketplace: description.owners = ["aws-marketplace"]
        }
    }

    /// What the list keeps of what DescribeImages returns for `account`: images shared with
    /// it are others' images; community images are public ones that neither AWS nor it own.
    func keeps(_ image: Image, account: AccountID) -> Bool {
        switch self {
        case .shared: image.owner != account
        case .community: image.ownerAlias == nil && image.owner != account
        default: true
        }
    }
}
