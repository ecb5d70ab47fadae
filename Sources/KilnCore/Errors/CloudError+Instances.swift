/// The errors of instances, with AWS's codes and messages.
extension CloudError {
    package static func malformedInstanceID(_ id: String) -> CloudError {
        CloudError("InvalidInstanceID.Malformed", "Invalid id: \"\(id)\"")
    }

    package static func instanceNotFound(_ ids: [String]) -> CloudError {
        CloudError("InvalidInstanceID.NotFound", "The instance ID '\(ids.joined(separator: ", "))' does not exist")
    }
}
