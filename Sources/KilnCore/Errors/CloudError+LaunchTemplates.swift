/// The errors of launch templates, with AWS's codes and messages.
extension CloudError {
    package static func launchTemplateNotFound(id: String?, name: String?) -> CloudError {
        if let id {
            return CloudError("InvalidLaunchTemplateId.NotFound", "The specified launch template, with template ID \(id), does not exist.")
        }
        return CloudError(
            "InvalidLaunchTemplateName.NotFoundException",
            "The specified launch template, with template name \(name ?? ""), does not exist."
        )
    }

    package static func launchTemplateVersionNotFound(_ version: String, template: LaunchTemplate) -> CloudError {
        CloudError(
            "InvalidLaunchTemplateId.VersionNotFound",
            "The specified launch template version \(version) of launch template \(template.id) does not exist."
        )
    }

    package static let malformedLaunchTemplateName = CloudError(
        "InvalidLaunchTemplateName.MalformedException",
        "A launch template name must be between 3 and 128 characters, and may contain letters, numbers, and the following characters: - ( ) . / _.'"
    )

    package static func malformedLaunchTemplateID(_ id: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidLaunchTemplateId.Malformed", "The specified ID for the launch template (\(id)) is not valid.")
    }

    package static let duplicateLaunchTemplateName = CloudError(
        "InvalidLaunchTemplateName.AlreadyExistsException",
        "Launch template name already in use."
    )

    package static func launchTemplateVersionLimit(_ templateID: some CustomStringConvertible) -> CloudError {
        CloudError("MaxTemplateVersionLimitExceeded", "The launch template \(templateID) already has the maximum of 10,000 versions.")
    }
}
