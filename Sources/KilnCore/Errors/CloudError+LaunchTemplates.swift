/// The errors of launch templates, with AWS's codes and messages.
extension CloudError {
    package static func launchTemplateNotFound(id: String?, name: String?) -> CloudError {
        if let id {
            return CloudError("InvalidLaunchTemplateId.NotFound", "The specified launch template, with template ID \(id), does not exist.")
        }
        return CloudError("InvalidLaunchTemplateName.NotFoundException", "The specified launch template, with template name \(name ?? ""), does not exist.")
    }

    package static func launchTemplateVersionNotFound(_ version: String, template: LaunchTemplate) -> CloudError {
        CloudError(
            "InvalidLaunchTemplateId.VersionNotFound",
            "The specified launch template version \(version) of launch template \(template.id) does not exist."
        )
    }
}
