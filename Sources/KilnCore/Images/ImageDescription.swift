/// What DescribeImages asks for, besides its page.
public struct ImageDescription: Sendable {
    /// Images named by id; `nil` for all the caller may see.
    public var ids: [String]?
    /// Owners: account ids, `self`, or the aliases `amazon`, `aws-marketplace` and `aws-backup-vault`.
    public var owners: [String]?
    /// Accounts (or `self`, or `all`) that must be able to launch the images.
    public var executableUsers: [String]?
    public var filters: [Filter]
    /// Whether images past their deprecation time that others own are listed.
    public var includeDeprecated: Bool
    /// Whether disabled images are listed.
    public var includeDisabled: Bool

    /// Describes a DescribeImages request.
    public init(
        ids: [String]? = nil, owners: [String]? = nil, executableUsers: [String]? = nil, filters: [Filter] = [],
        includeDeprecated: Bool = false, includeDisabled: Bool = false
    ) {
        self.ids = ids
        self.owners = owners
        self.executableUsers = executableUsers
        self.filters = filters
        self.includeDeprecated = includeDeprecated
        self.includeDisabled = includeDisabled
    }
}
