import HTTPTypes

/// A page's content, before the layout wraps it.
struct Page: Sendable {
    var title: String
    /// Which navigation entry is current: `images`, `instances`, `storage`, `autoscaling`.
    var section: String
    /// The page's HTML.
    var body: String
    var status: HTTPResponse.Status = .ok
    /// Where switching the region returns to: the page's list.
    var back: String = "/console/images"
}
