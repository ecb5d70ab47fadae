/// An entry of the main navigation.
struct NavItem {
    var href: String
    var label: String
    var current: Bool
}
