/// The errors of volumes, with AWS's codes and messages.
extension CloudError {
    package static func malformedVolumeID(_ id: String) -> CloudError {
        CloudError("InvalidVolumeID.Malformed", "Invalid id: \"\(id)\"")
    }

    package static func volumeNotFound(_ ids: [String]) -> CloudError {
        CloudError("InvalidVolume.NotFound", "The volume '\(ids.joined(separator: ", "))' does not exist.")
    }

    package static func volumeAlreadyAttached(_ volumeID: some CustomStringConvertible) -> CloudError {
        CloudError("VolumeInUse", "\(volumeID) is already attached to an instance")
    }

    package static func instanceCannotAttach(_ instanceID: some CustomStringConvertible) -> CloudError {
        CloudError("IncorrectInstanceState", "Instance '\(instanceID)' is not 'running' or 'stopped'.")
    }

    package static func volumeZoneMismatch(_ volumeID: some CustomStringConvertible, _ instanceID: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidVolume.ZoneMismatch", "The volume '\(volumeID)' is not in the same availability zone as instance '\(instanceID)'")
    }

    package static func deviceInUse(_ device: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidParameterValue", "Invalid value '\(device)' for unixDevice. Attachment point \(device) is already in use")
    }

    package static func volumeInState(_ volumeID: some CustomStringConvertible, _ state: some CustomStringConvertible) -> CloudError {
        CloudError("IncorrectState", "Volume '\(volumeID)' is in the '\(state)' state.")
    }

    package static func volumeNotAttached(_ volumeID: some CustomStringConvertible, _ instanceID: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidAttachment.NotFound", "The volume '\(volumeID)' is not attached to instance '\(instanceID)'.")
    }

    package static func rootVolumeCannotDetach(_ volumeID: some CustomStringConvertible, _ instanceID: some CustomStringConvertible) -> CloudError {
        CloudError("IncorrectState", "Unable to detach root volume '\(volumeID)' from instance '\(instanceID)'")
    }

    package static func instanceWithoutRoot(_ instanceID: some CustomStringConvertible, _ state: some CustomStringConvertible) -> CloudError {
        CloudError("IncorrectInstanceState", "The instance '\(instanceID)' has no root volume now (\(state)).")
    }

    package static func volumeInUse(_ volumeID: some CustomStringConvertible, attachedTo instanceID: String?) -> CloudError {
        CloudError("VolumeInUse", "Volume \(volumeID) is currently attached to \(instanceID ?? "an instance")")
    }

    package static let throughputOnlyForGP3 = CloudError("InvalidParameterCombination", "The parameter throughput is only supported for gp3 volumes.")

    package static func iopsNotSupported(_ type: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidParameterCombination", "The parameter iops is not supported for \(type) volumes.")
    }

    package static let multiAttachChangeUnsupported = CloudError("UnsupportedOperation", "Changing Multi-Attach is not supported by Kiln yet.")
}
