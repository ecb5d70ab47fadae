/// The errors of instance-store bundles, with AWS's codes and messages.
extension CloudError {
    package static func unreadableManifest(_ location: String, _ why: String) -> CloudError {
        CloudError("InvalidManifest", "The bundle manifest '\(location)' cannot be used: \(why).")
    }
}
