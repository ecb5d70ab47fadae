/// The errors of Auto Scaling, with AWS's codes and messages.
extension CloudError {
    package static func autoScalingValidation(_ message: String) -> CloudError {
        CloudError("ValidationError", message)
    }

    package static func groupNotFound(_ name: String) -> CloudError {
        autoScalingValidation("AutoScalingGroup name not found - AutoScalingGroup \(name) not found")
    }

    package static func launchConfigurationMissing(_ name: some CustomStringConvertible) -> CloudError {
        CloudError("ValidationError", "Launch configuration \(name) does not exist")
    }

    package static func groupAlreadyExists(_ name: some CustomStringConvertible) -> CloudError {
        CloudError("AlreadyExists", "AutoScalingGroup by this name already exists - A group with the name \(name) already exists")
    }

    package static let groupHasInstances = CloudError(
        "ResourceInUse",
        "You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group."
    )

    package static func launchConfigurationAlreadyExists(_ name: some CustomStringConvertible) -> CloudError {
        CloudError("AlreadyExists", "Launch Configuration by this name already exists - A launch configuration already exists with the name \(name)")
    }

    package static func launchConfigurationInUse(_ name: some CustomStringConvertible, _ groupName: some CustomStringConvertible) -> CloudError {
        CloudError("ResourceInUse", "Cannot delete launch configuration \(name) because it is attached to AutoScalingGroup \(groupName)")
    }

    package static let instanceRefreshInProgress = CloudError(
        "InstanceRefreshInProgress",
        "An Instance Refresh is already in progress and blocks the execution of this Instance Refresh."
    )

    package static func noActiveInstanceRefresh(_ groupName: some CustomStringConvertible) -> CloudError {
        CloudError("ActiveInstanceRefreshNotFound", "No in progress or pending Instance Refresh found for Auto Scaling group \(groupName)")
    }

    package static let launchTemplateIDOrName = CloudError(
        "ValidationError",
        "Specify either LaunchTemplateId or LaunchTemplateName, not both and not neither."
    )

    package static let groupLaunchSourceMissing = CloudError(
        "ValidationError",
        "Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter, not several."
    )

    package static let groupLaunchSourceUnsupported = CloudError(
        "ValidationError",
        "Kiln's groups launch from a LaunchTemplate or a LaunchConfigurationName; MixedInstancesPolicy and InstanceId are not offered."
    )

    package static let refreshConfigurationUnsupported = CloudError(
        "ValidationError",
        "Kiln refreshes to the group's own launch template; update the group instead of passing DesiredConfiguration."
    )

    package static func launchConfigurationImageNotFound(_ imageID: String) -> CloudError {
        autoScalingValidation("The image id '[\(imageID)]' does not exist")
    }
}
