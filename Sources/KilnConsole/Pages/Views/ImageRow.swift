/// One image in the list.
struct ImageRow {
    var id: String
    var href: String
    var name: String
    var owner: String
    var ownerAlias: String?
    var state: String
    var deprecated: Bool
    var architecture: String
    var platform: String
    var created: String
    var visibility: String
}
