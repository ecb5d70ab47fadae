/// The errors of images, with AWS's codes and messages.
extension CloudError {
    package static func malformedImageID(_ id: String) -> CloudError {
        CloudError("InvalidAMIID.Malformed", "Invalid id: \"\(id)\" (expecting \"ami-...\")")
    }

    package static func imageNotFound(_ ids: [String]) -> CloudError {
        CloudError("InvalidAMIID.NotFound", "The image id '[\(ids.joined(separator: ", "))]' does not exist")
    }

    package static func imageNotAuthorized(for id: String) -> CloudError {
        CloudError("AuthFailure", "Not authorized for image:\(id)")
    }
}
