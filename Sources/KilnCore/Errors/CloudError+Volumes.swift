/// The errors of volumes, with AWS's codes and messages.
extension CloudError {
    package static func malformedVolumeID(_ id: String) -> CloudError {
        CloudError("InvalidVolumeID.Malformed", "Invalid id: \"\(id)\"")
    }

    package static func volumeNotFound(_ ids: [String]) -> CloudError {
        CloudError("InvalidVolume.NotFound", "The volume '\(ids.joined(separator: ", "))' does not exist.")
    }
}
