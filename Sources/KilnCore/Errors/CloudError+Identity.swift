/// The errors of accounts and users, with AWS's codes and messages.
extension CloudError {
    package static func malformedUserID(_ userID: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidUserID.Malformed", "Invalid user id: \"\(userID)\"")
    }
}
