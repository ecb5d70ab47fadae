/// What DescribeImages asks for, besides its page.
package struct ImageDescription: Sendable {
    /// Images named by id; `nil` for all the caller may see.
    package var ids: [String]?
    /// Owners: account ids, `self`, or the aliases `amazon`, `aws-marketplace` and `aws-backup-vault`.
    package var owners: [String]?
    /// Accounts (or `self`, or `all`) that must be able to launch the images.
    package var executableUsers: [String]?
    package var filters: [Filter]
    /// Whether images past their deprecation time that others own are listed.
    package var includeDeprecated: Bool
    /// Whether disabled images are listed.
    package var includeDisabled: Bool
    /// The order of the answer and of its pages; DescribeImages lists by id.
    package var order = ImageOrder.byID

    /// Describes a DescribeImages request.
    package init(
        ids: [String]? = nil,
        owners: [String]? = nil,
        executableUsers: [String]? = nil,
        filters: [Filter] = [],
        includeDeprecated: Bool = false,
        includeDisabled: Bool = false
    ) {
        self.ids = ids
        self.owners = owners
        self.executableUsers = executableUsers
        self.filters = filters
        self.includeDeprecated = includeDeprecated
        self.includeDisabled = includeDisabled
    }
}
