/// What the layout shows around a page.
struct LayoutView {
    var title: String
    var signedIn: Bool
    var account: String
    var csrf: String
    /// Where switching the region returns to.
    var back: String
    var regions: [Option]
    var nav: [NavItem]
    var flash: FlashView?
    var body: String
}
