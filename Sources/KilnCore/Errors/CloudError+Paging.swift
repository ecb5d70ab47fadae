/// The errors of page tokens, with AWS's codes and messages.
extension CloudError {
    package static func invalidPaginationToken(_ token: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidPaginationToken", "The pagination token '\(token)' is invalid.")
    }
}
