/// Who is looking: an account with its organization and organizational units, for the
/// launch permissions that name them.
package struct Viewer: Sendable, Equatable {
    package var account: AccountID
    /// The organization's ARN, if the account is in one.
    package var organizationARN: String?
    /// The ARNs of the units the account is in, with their ancestors.
    package var organizationalUnitARNs: [String]

    /// Describes a viewer.
    package init(account: AccountID, organizationARN: String? = nil, organizationalUnitARNs: [String] = []) {
        self.account = account
        self.organizationARN = organizationARN
        self.organizationalUnitARNs = organizationalUnitARNs
    }
}

/// The part of a DescribeImages request a store can answer with its indexes: visibility,
/// ids, owners, name patterns, order and paging. The other filters are applied to what it
/// returns.
package struct ImageQuery: Sendable {
    package var region: RegionName
    /// Only images this viewer may see (owned, public, shared with it); `nil` for every image.
    package var viewer: Viewer?
    package var ids: [String]?
    package var owners: [AccountID]?
    /// Only public images: those that all may launch.
    package var publicOnly = false
    /// Name patterns with `*` and `?`; an image matches if any does.
    package var namePatterns: [String]?
    /// The order of the answer.
    package var order = ImageOrder.byID
    /// Only images that follow this position in ``order``.
    package var after: ImagePosition?
    package var limit: Int?
    /// Whether deregistered images are included.
    package var includeDeregistered = false

    /// A query over `region`.
    package init(region: RegionName, viewer: Viewer?) {
        self.region = region
        self.viewer = viewer
    }
}
