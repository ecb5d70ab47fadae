import KilnCore

/// The hygiene findings of the image's volumes, from the inspection service.
struct HygieneView {
    var problem: ProblemView?
    var summary: String?
    var findings: [FindingRow]
    var hasFindings: Bool
    /// The page again with its volumes inspected, when they were not.
    var inspectHref: String?
}

extension HygieneView {
    /// An image whose volumes are not read with its page, and the link that reads them.
    init(deferredFor image: Image, dataBytes: Int64) {
        problem = nil
        summary = "Its volumes hold \(Display.bytes(dataBytes)) of data; reading them for findings takes a while."
        findings = []
        hasFindings = false
        inspectHref = Display.href("/console/images/\(image.id)", [("region", image.region.rawValue), ("inspect", "on")])
    }
}
