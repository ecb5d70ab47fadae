import KilnInspect

/// The hygiene check before an image is shared.
extension InspectionService {
    /// The image's high-severity findings (`kind at path`), read before a launch permission is added; in
    /// `refuse` mode, their presence refuses the share. Images without EBS volumes (instance
    /// store) are not read.
    package func checkBeforeSharing(_ caller: Caller, imageID: String, mode: HygieneCheck) async throws -> [String] {
        guard mode != .off else { return [] }
        let report: ImageInspection
        do {
            report = try await inspect(caller, id: imageID)
        } catch let error as CloudError where error == .imageHasNoVolumes(imageID) {
            return []
        }
        let high = report.findings.filter { $0.severity == .high }.map { "\($0.kind.rawValue) at \($0.path ?? "offset \($0.offset ?? 0)")" }
        if mode == .refuse, !high.isEmpty {
            throw CloudError.imageFailsHygieneCheck(imageID, high)
        }
        return high
    }
}
