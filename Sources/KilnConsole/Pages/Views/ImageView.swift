/// One image: what DescribeImages shows the account, its snapshots' sizes and cost, its
/// hygiene findings and its lineage, with the actions its owner may take.
struct ImageView {
    var id: String
    var name: String
    var description: String?
    var owner: String
    var ownerAlias: String?
    var state: String
    var stateReason: String?
    var pending: Bool
    var visibility: String
    var architecture: String
    var platform: String
    var rootDevice: String
    var rootDeviceType: String
    var virtualization: String
    var bootMode: String?
    var created: String
    var deprecation: String?
    var lastLaunched: String?
    var protection: String
    var disabled: Bool
    var sourceImage: String?
    var sourceInstance: String?
    var mappings: [MappingRow]
    var totalMonthly: String
    var permissions: [PermissionRow]
    var hasPermissions: Bool
    var tags: [TagRow]
    var hasTags: Bool
    var hygiene: HygieneView
    var lineage: String
    var isOwner: Bool
    var canLaunch: Bool
    var copyRegions: [Option]
    var instanceTypes: [Option]
}
