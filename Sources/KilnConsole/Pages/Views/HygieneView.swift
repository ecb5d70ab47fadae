/// The hygiene findings of the image's volumes, from the inspection service.
struct HygieneView {
    var problem: ProblemView?
    var summary: String?
    var findings: [FindingRow]
    var hasFindings: Bool
}
