/// Who is looking: an account with its organization and organizational units, for the
/// launch permissions that name them.
public struct Viewer: Sendable, Equatable {
    public var account: AccountID
    /// The organization's ARN, if the account is in one.
    public var organizationARN: String?
    /// The ARNs of the units the account is in, with their ancestors.
    public var organizationalUnitARNs: [String]

    /// Describes a viewer.
    public init(account: AccountID, organizationARN: String? = nil, organizationalUnitARNs: [String] = []) {
        self.account = account
        self.organizationARN = organizationARN
        self.organizationalUnitARNs = organizationalUnitARNs
    }
}

/// The part of a DescribeImages request a store can answer with its indexes: visibility,
/// ids, owners, name patterns and paging. The other filters are applied to what it returns.
public struct ImageQuery: Sendable {
    public var region: RegionName
    /// Only images this viewer may see (owned, public, shared with it); `nil` for every image.
    public var viewer: Viewer?
    public var ids: [String]?
    public var owners: [AccountID]?
    /// Name patterns with `*` and `?`; an image matches if any does.
    public var namePatterns: [String]?
    /// Only images whose id sorts after this one.
    public var afterID: String?
    public var limit: Int?
    /// Whether deregistered images are included.
    public var includeDeregistered = false

    /// A query over `region`.
    public init(region: RegionName, viewer: Viewer?) {
        self.region = region
        self.viewer = viewer
    }
}
