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

    package static let malformedImageName = CloudError(
        "InvalidAMIName.Malformed",
        "AMI names must be between 3 and 128 characters long, and may contain letters, numbers, '(', ')', '[', ']', ' ', '.', '/', '-', ''', '@' and '_'"
    )

    package static let imageAttributeUnauthorized = CloudError("AuthFailure", "Unauthorized attempt to access restricted resource")

    package static func invalidLaunchPermissionUser(_ userID: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidAMIAttributeItemValue", "Invalid attribute item value \"\(userID)\" for userId item type.")
    }

    package static func invalidLaunchPermissionGroup(_ group: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidAMIAttributeItemValue", "Invalid attribute item value \"\(group)\" for userGroup item type.")
    }

    package static func invalidLaunchPermissionOrganization(_ organizationARN: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidAMIAttributeItemValue", "Invalid attribute item value \"\(organizationARN)\" for organizationArn item type.")
    }

    package static func invalidLaunchPermissionUnit(_ organizationalUnitARN: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidAMIAttributeItemValue", "Invalid attribute item value \"\(organizationalUnitARN)\" for organizationalUnitArn item type.")
    }

    package static func disabledImageCannotBeShared(_ imageID: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidParameterValue", "Image \(imageID) is disabled; enable it before sharing it.")
    }

    package static let defaultKeyImageCannotBeShared = CloudError(
        "InvalidParameter",
        "Snapshots encrypted with the AWS Managed CMK can't be shared. Specify another snapshot."
    )

    package static func imageBlockPublicAccessEnabled(_ region: some CustomStringConvertible) -> CloudError {
        CloudError(
            "OperationNotPermitted",
            "Image block public access is enabled for this account in \(region); disable it (DisableImageBlockPublicAccess) to make images public."
        )
    }

    package static let encryptedImageCannotBePublic = CloudError("InvalidParameterValue", "Images with encrypted snapshots cannot be made public.")

    package static let productImageCannotBePublic = CloudError("InvalidParameterValue", "Images with product codes cannot be made public.")

    package static func imageUnavailable(_ imageID: some CustomStringConvertible, _ state: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidAMIID.Unavailable", "The image id '[\(imageID)]' is not available (state: \(state))")
    }

    package static func instanceStoreImageCannotBeCopied(_ imageID: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidRequest", "Kiln copies EBS-backed images only; \(imageID) is instance-store-backed.")
    }

    package static let productImageCannotBeCopied = CloudError(
        "InvalidRequest",
        "Images with EC2 BillingProduct codes cannot be copied to another AWS account."
    )

    package static let imageStorageNotShared = CloudError("InvalidRequest", "You do not have permission to access the storage of this ami")

    package static func duplicateImageName(_ name: some CustomStringConvertible, _ existingID: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidAMIName.Duplicate", "AMI name \(name) is already in use by AMI \(existingID)")
    }

    package static func instanceNotEBSBackedForImage(_ instanceID: some CustomStringConvertible) -> CloudError {
        CloudError(
            "UnsupportedOperation",
            "The instance '\(instanceID)' does not have an 'ebs' root device type and cannot be used to create an EBS-backed AMI. Bundle the instance and use RegisterImage instead."
        )
    }

    package static func instanceCannotBeImaged(_ instanceID: some CustomStringConvertible, _ state: some CustomStringConvertible) -> CloudError {
        CloudError("IncorrectInstanceState", "The instance '\(instanceID)' is not in a state from which it can be imaged (\(state)).")
    }

    package static func rootDeviceSuppressed(_ device: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidBlockDeviceMapping", "The root device \(device) cannot be suppressed with NoDevice.")
    }

    package static func mappingSmallerThanVolume(
        _ size: some CustomStringConvertible,
        _ device: some CustomStringConvertible,
        _ volumeSize: some CustomStringConvertible
    ) -> CloudError {
        CloudError("InvalidBlockDeviceMapping", "Volume of size \(size)GB is smaller than the volume at \(device) (\(volumeSize)GB).")
    }

    package static func imageCannotBeDisabled(_ imageID: some CustomStringConvertible, _ state: some CustomStringConvertible) -> CloudError {
        CloudError("IncorrectState", "Image \(imageID) is \(state); only available images can be disabled.")
    }

    package static func imageNotDisabled(_ imageID: some CustomStringConvertible, _ state: some CustomStringConvertible) -> CloudError {
        CloudError("IncorrectState", "Image \(imageID) is \(state), not disabled.")
    }

    package static func imageCannotBeStored(
        _ imageID: some CustomStringConvertible,
        _ state: some CustomStringConvertible,
        _ rootDeviceType: some CustomStringConvertible
    ) -> CloudError {
        CloudError("InvalidAMIID.Unavailable", "Only available EBS-backed images can be stored; \(imageID) is \(state) (\(rootDeviceType)).")
    }

    package static func storedObjectMissing(_ key: some CustomStringConvertible, _ bucket: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidParameterValue", "The object '\(key)' does not exist in bucket '\(bucket)'.")
    }

    package static func notAStoredImage(_ key: some CustomStringConvertible, _ bucket: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidParameterValue", "The object '\(key)' in bucket '\(bucket)' is not a stored image.")
    }

    package static func rootDeviceNotMapped(_ root: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidBlockDeviceMapping", "The root device name \(root) does not match any block device mapping.")
    }

    package static func rootDeviceNotFromSnapshot(_ root: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidBlockDeviceMapping", "The root device \(root) must be an EBS volume from a snapshot.")
    }

    package static func mappingSmallerThanSnapshot(
        _ size: some CustomStringConvertible,
        _ snapshotID: some CustomStringConvertible,
        _ snapshotSize: some CustomStringConvertible
    ) -> CloudError {
        CloudError(
            "InvalidBlockDeviceMapping",
            "Volume of size \(size)GB is smaller than snapshot '\(snapshotID)', expect size >= \(snapshotSize)GB"
        )
    }

    package static func mappingEncryptionFromSnapshot(_ device: some CustomStringConvertible, _ snapshotID: some CustomStringConvertible)
        -> CloudError
    {
        CloudError(
            "InvalidBlockDeviceMapping",
            "Omit Encrypted for \(device): a device made from snapshot \(snapshotID) takes the snapshot's encryption."
        )
    }

    package static func mappingNeedsSnapshotOrSize(_ device: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidBlockDeviceMapping", "Either snapshot ID or volume size must be provided for: \(device)")
    }

    package static func imageNoLongerAvailable(_ imageID: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidAMIID.Unavailable", "The image id '[\(imageID)]' is no longer available")
    }

    package static func imageDeregistrationProtected(_ imageID: some CustomStringConvertible) -> CloudError {
        CloudError(
            "InvalidParameterValue",
            "Image \(imageID) has deregistration protection enabled. Disable it (and wait out any cooldown) before deregistering."
        )
    }

    package static func disabledImageCannotLaunch(_ imageID: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidAMIID.Unavailable", "The image id '[\(imageID)]' is disabled and cannot be launched")
    }

    package static func duplicateDeviceName(_ device: String) -> CloudError {
        CloudError("InvalidBlockDeviceMapping", "The device name \(device) is used more than once.")
    }
}
