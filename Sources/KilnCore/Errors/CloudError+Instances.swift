/// The errors of instances, with AWS's codes and messages.
extension CloudError {
    package static func malformedInstanceID(_ id: String) -> CloudError {
        CloudError("InvalidInstanceID.Malformed", "Invalid id: \"\(id)\" (expecting \"i-...\")")
    }

    package static func instanceNotFound(_ ids: [String]) -> CloudError {
        ids.count == 1
            ? CloudError("InvalidInstanceID.NotFound", "The instance ID '\(ids[0])' does not exist")
            : CloudError("InvalidInstanceID.NotFound", "The instance IDs '\(ids.joined(separator: ", "))' do not exist")
    }

    package static func instanceNotStoppedForAttribute(_ instanceID: some CustomStringConvertible, _ attribute: some CustomStringConvertible)
        -> CloudError
    {
        CloudError(
            "IncorrectInstanceState",
            "The instance '\(instanceID)' is not in the 'stopped' state; \(attribute) can only be changed while it is."
        )
    }

    package static func instanceNotRunningForScreenshot(_ instanceID: some CustomStringConvertible) -> CloudError {
        CloudError("IncorrectInstanceState", "The instance '\(instanceID)' is not in the 'running' state.")
    }

    package static func instanceHasNoDisplay(_ instanceID: some CustomStringConvertible) -> CloudError {
        CloudError(
            "UnsupportedOperation",
            "The instance '\(instanceID)' has no display to capture: its machine is not running, or Kiln serves with the simulated runtime (use --runtime qemu)."
        )
    }

    package static func noDeviceMapped(_ device: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidInstanceAttributeValue", "No device is currently mapped at \(device)")
    }

    package static func instanceStoreInstanceCannotStop(_ instanceID: some CustomStringConvertible) -> CloudError {
        CloudError("UnsupportedOperation", "The instance '\(instanceID)' does not have an 'ebs' root device type and cannot be stopped.")
    }

    package static func instanceCannotBeStopped(_ instanceID: some CustomStringConvertible) -> CloudError {
        CloudError("IncorrectInstanceState", "This instance '\(instanceID)' is not in a state from which it can be stopped.")
    }

    package static func instanceStopDisabled(_ instanceID: some CustomStringConvertible) -> CloudError {
        CloudError(
            "OperationNotPermitted",
            "The instance '\(instanceID)' may not be stopped. Modify its 'disableApiStop' instance attribute and try again."
        )
    }

    package static func instanceStoreInstanceCannotStart(_ instanceID: some CustomStringConvertible) -> CloudError {
        CloudError("UnsupportedOperation", "The instance '\(instanceID)' does not have an 'ebs' root device type and cannot be started.")
    }

    package static func instanceCannotBeStarted(_ instanceID: some CustomStringConvertible) -> CloudError {
        CloudError("IncorrectInstanceState", "The instance '\(instanceID)' is not in a state from which it can be started.")
    }

    package static func instanceTerminationDisabled(_ instanceID: some CustomStringConvertible) -> CloudError {
        CloudError(
            "OperationNotPermitted",
            "The instance '\(instanceID)' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again."
        )
    }

    package static func unknownInstanceType(_ type: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidInstanceType", "The following supplied instance types do not exist: [\(type)]")
    }

    package static func instanceLimitExceeded(_ count: some CustomStringConvertible) -> CloudError {
        CloudError(
            "InstanceLimitExceeded",
            "You have requested more instances (\(count)) than your current instance limit of 1000 allows for the specified instance type. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit."
        )
    }

    package static func typeWithoutInstanceStorage(_ type: some CustomStringConvertible, _ imageID: some CustomStringConvertible) -> CloudError {
        CloudError(
            "InvalidParameterCombination",
            "The instance type '\(type)' has no instance storage, so it cannot boot the instance-store-backed image \(imageID). Choose a type with instance storage, such as m5d.large or c5d.large."
        )
    }

    package static func clientTokenMismatch(_ token: some CustomStringConvertible) -> CloudError {
        CloudError("IdempotentParameterMismatch", "The client token '\(token)' was used with different parameters.")
    }

    package static func snapshotOfImageDeviceFixed(_ device: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidBlockDeviceMapping", "snapshotId can only be modified on EBS devices that the image does not define (\(device)).")
    }

    package static func deviceMustStayEncrypted(_ device: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidBlockDeviceMapping", "The device \(device) comes from an encrypted snapshot and must stay encrypted.")
    }

    package static func unknownInstanceAttribute(_ attribute: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidParameterValue", "Value (\(attribute)) for parameter attribute is invalid. Unknown attribute.")
    }

    package static let noInstanceAttributeGiven = CloudError("MissingParameter", "No attributes specified.")
    package static let oneInstanceAttributeAtATime = CloudError("InvalidParameterCombination", "Only one attribute can be modified at a time.")

    package static func invalidInstanceProfileName(_ name: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidParameterValue", "Value (\(name)) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name")
    }

    package static func invalidInstanceProfileARN(_ arn: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidParameterValue", "Value (\(arn)) for parameter iamInstanceProfile.arn is invalid. Invalid IAM Instance Profile ARN")
    }

    package static let instanceProfileNameAndARN = CloudError(
        "InvalidParameterCombination",
        "The parameter 'iamInstanceProfile.name' may not be used in combination with 'iamInstanceProfile.arn'"
    )
}
