/// The images list: a page of DescribeImages as the signed-in account sees it.
struct ImagesView {
    var scope: String
    var scopeLabel: String
    var scopes: [NavItem]
    var name: String
    var owner: String
    var tag: String
    var architectures: [Option]
    var platforms: [Option]
    var states: [Option]
    var sorts: [Option]
    /// The current order, as its label says it.
    var sortLabel: String
    var nameHeader: SortHeader
    var idHeader: SortHeader
    var createdHeader: SortHeader
    var includeDeprecated: Bool
    var rows: [ImageRow]
    var hasRows: Bool
    var shown: String
    var elapsed: String
    var nextHref: String?
    var firstHref: String?
}
