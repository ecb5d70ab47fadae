/// The errors of the Recycle Bin (`rbin`) and of EC2's calls on what it keeps.
extension CloudError {
    package static func recycleBinValidation(_ message: String) -> CloudError {
        CloudError("ValidationException", message, reason: "INVALID_PARAMETER_VALUE")
    }

    package static func recycleBinRuleNotFound(_ id: String) -> CloudError {
        CloudError("ResourceNotFoundException", "The rule \(id) does not exist.", reason: "RULE_NOT_FOUND")
    }

    package static func recycleBinRuleLocked(_ id: String) -> CloudError {
        CloudError(
            "ConflictException",
            "The rule \(id) is locked; unlock it and wait for its unlock delay to end first.",
            reason: "INVALID_RULE_STATE"
        )
    }

    package static func recycleBinRuleNotLocked(_ id: String) -> CloudError {
        CloudError("ConflictException", "The rule \(id) is not locked.", reason: "INVALID_RULE_STATE")
    }

    package static func imageNotInRecycleBin(_ id: String) -> CloudError {
        CloudError("InvalidAMIID.NotFound", "The image id '[\(id)]' is not in the Recycle Bin.")
    }

    package static func snapshotNotInRecycleBin(_ id: String) -> CloudError {
        CloudError("InvalidSnapshot.NotFound", "The snapshot '\(id)' is not in the Recycle Bin.")
    }

    package static func imageSnapshotInRecycleBin(_ imageID: String, _ snapshotID: String) -> CloudError {
        CloudError(
            "IncorrectState",
            "The image \(imageID) cannot be restored: its snapshot \(snapshotID) is in the Recycle Bin; restore the snapshot first."
        )
    }

    package static func imageSnapshotDeleted(_ imageID: String, _ snapshotID: String) -> CloudError {
        CloudError("IncorrectState", "The image \(imageID) cannot be restored: its snapshot \(snapshotID) has been deleted.")
    }
}
