/// The errors of snapshots and the EBS direct APIs, with AWS's codes and messages.
extension CloudError {
    package static func ebsValidation(_ message: String, _ reason: String) -> CloudError {
        CloudError("ValidationException", message, reason: reason)
    }

    package static func directSnapshotNotFound(_ id: String) -> CloudError {
        CloudError("ResourceNotFoundException", "The snapshot '\(id)' does not exist.", reason: "SNAPSHOT_NOT_FOUND")
    }

    package static func malformedSnapshotID(_ id: String) -> CloudError {
        CloudError("InvalidSnapshotID.Malformed", "Invalid id: \"\(id)\" (expecting \"snap-...\")")
    }

    package static func ec2SnapshotNotFound(_ ids: [String]) -> CloudError {
        CloudError("InvalidSnapshot.NotFound", "The snapshot '\(ids.joined(separator: ", "))' does not exist.")
    }
}

extension CloudError {
    package static func snapshotNotOwned(_ id: String) -> CloudError {
        CloudError("UnauthorizedOperation", "You are not authorized to perform this operation on snapshot \(id); only its owner may.")
    }
}
