/// The errors of image inspection and hygiene checks.
extension CloudError {
    package static func notInspectable(_ id: String) -> CloudError {
        CloudError("InvalidParameterValue", "Only images (ami-…) and snapshots (snap-…) can be inspected, not \"\(id)\".")
    }

    package static func imageHasNoVolumes(_ id: String) -> CloudError {
        CloudError("InvalidParameterValue", "The image \(id) has no completed EBS snapshot to inspect.")
    }
}

extension CloudError {
    package static func imageFailsHygieneCheck(_ id: String, _ findings: [String]) -> CloudError {
        CloudError(
            "OperationNotPermitted",
            "The image \(id) cannot be shared: the hygiene check found \(findings.joined(separator: ", ")). Remove them and create the image again."
        )
    }
}
