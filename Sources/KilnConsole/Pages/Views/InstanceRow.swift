/// An instance as the list and its page show it.
struct InstanceRow {
    var id: String
    var href: String
    var name: String
    var state: String
    var imageID: String
    var imageHref: String
    var instanceType: String
    var zone: String
    var privateAddress: String
    var publicAddress: String
    var launched: String
    var canStop: Bool
    var canStart: Bool
    var canTerminate: Bool
}
