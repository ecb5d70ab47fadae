/// The errors of tags, with AWS's codes and messages.
extension CloudError {
    package static func invalidTagResourceID(_ id: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidID", "The ID '\(id)' is not valid")
    }

    package static func tagLimitExceeded(_ id: some CustomStringConvertible, _ limit: some CustomStringConvertible) -> CloudError {
        CloudError("TagLimitExceeded", "The maximum number of tags for resource '\(id)' has been reached (\(limit)).")
    }
}
