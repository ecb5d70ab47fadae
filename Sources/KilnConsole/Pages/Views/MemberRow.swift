struct MemberRow {
    var id: String
    var href: String
    var lifecycle: String
    var health: String
    var imageID: String
    var instanceType: String
    var zone: String
}
