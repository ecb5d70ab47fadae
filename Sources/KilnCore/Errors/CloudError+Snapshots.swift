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

    package static func snapshotNotOwned(_ id: String) -> CloudError {
        CloudError("UnauthorizedOperation", "You are not authorized to perform this operation on snapshot \(id); only its owner may.")
    }

    package static func snapshotNotCompleted(_ snapshotID: some CustomStringConvertible) -> CloudError {
        CloudError("IncorrectState", "Snapshot '\(snapshotID)' is not in a completed state.")
    }

    package static let clientTokenConflict = CloudError(
        "ConflictException",
        "The request uses the same client token as a previous, but non-identical request."
    )

    package static let defaultKeySnapshotCannotBePublic = CloudError(
        "OperationNotPermitted",
        "Encrypted snapshots with EBS default key cannot be shared; an encrypted snapshot cannot be made public."
    )

    package static let defaultKeySnapshotCannotBeShared = CloudError(
        "OperationNotPermitted",
        "Encrypted snapshots with EBS default key cannot be shared"
    )

    package static func snapshotInUse(_ snapshotID: some CustomStringConvertible, _ imageID: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidSnapshot.InUse", "The snapshot \(snapshotID) is currently in use by \(imageID)")
    }

    package static func ebsKeyAccessDenied(_ message: String) -> CloudError {
        CloudError("AccessDeniedException", message, category: .forbidden, reason: "DEPENDENCY_ACCESS_DENIED")
    }
}

/// The errors of the archive tier.
extension CloudError {
    package static func snapshotAlreadyArchived(_ id: String) -> CloudError {
        CloudError("IncorrectState", "The snapshot '\(id)' is already archived or being archived.")
    }

    package static func snapshotUsedByEnabledImage(_ id: String, _ imageID: String) -> CloudError {
        CloudError(
            "IncorrectState",
            "The snapshot '\(id)' is associated with the enabled image \(imageID); disable the image before archiving the snapshot."
        )
    }

    package static func snapshotNotArchived(_ id: String) -> CloudError {
        CloudError("IncorrectState", "The snapshot '\(id)' is not in the archive tier.")
    }

    package static func snapshotRestoreInProgress(_ id: String) -> CloudError {
        CloudError("IncorrectState", "A restore of the snapshot '\(id)' is already in progress.")
    }

    package static func snapshotArchived(_ id: String) -> CloudError {
        CloudError("IncorrectState", "The snapshot '\(id)' is in the archive tier; restore it with RestoreSnapshotTier before using it.")
    }

    /// A stored block that could not be read back whole: the pack holding it is damaged or
    /// unreadable. The rest of the store is served as before.
    package static func damagedBlock(snapshotID: String, index: Int, cause: String) -> CloudError {
        CloudError(
            "InternalServerException",
            "Block \(index) of snapshot \(snapshotID) is damaged in Kiln's store and cannot be read (\(cause)); restore it from a backup.",
            category: .server
        )
    }

    /// A block of a snapshot that could not be read back whole, where EC2's and Kiln's own
    /// calls read it (an image's export or inspection): named with the image when there is one.
    package static func damagedSnapshotBlock(snapshotID: String, imageID: String?, index: Int, cause: String) -> CloudError {
        let image = imageID.map { " (of image \($0))" } ?? ""
        return CloudError(
            "InternalError",
            "Block \(index) of snapshot \(snapshotID)\(image) is damaged in Kiln's store and cannot be read (\(cause)); restore it from a backup.",
            category: .server
        )
    }

    /// A block of a volume that could not be read back whole: one the volume's writes stored,
    /// or one it still shares with the snapshot it was created from, which is named then.
    package static func damagedVolumeBlock(volumeID: String, snapshotID: String?, index: Int, cause: String) -> CloudError {
        let snapshot = snapshotID.map { ", held by its snapshot \($0)," } ?? ""
        return CloudError(
            "InternalError",
            "Block \(index) of volume \(volumeID)\(snapshot) is damaged in Kiln's store and cannot be read (\(cause)); restore it from a backup.",
            category: .server
        )
    }
}
