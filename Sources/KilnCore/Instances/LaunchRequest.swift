/// What RunInstances asks for: launch parameters, how many instances, and optionally the
/// launch template that supplies what the call leaves out.
package struct LaunchRequest: Sendable {
    /// Names a launch template and one of its versions.
    package struct TemplateSpecifier: Sendable, Codable, Equatable {
        package var id: String?
        package var name: String?
        /// A number, `$Latest` or `$Default` (the default when absent).
        package var version: String?

        /// Names a template by id or name.
        package init(id: String?, name: String?, version: String?) {
            self.id = id
            self.name = name
            self.version = version
        }
    }

    /// The parameters given in the call itself.
    package var data: LaunchTemplateData
    package var minCount: Int
    package var maxCount: Int
    /// Makes the call idempotent: a repeat with the same token returns the first reservation.
    package var clientToken: String?
    package var template: TemplateSpecifier?
    /// Tags AWS itself puts on what it launches (`aws:autoscaling:groupName`), which callers may not.
    package var systemTags: [Tag] = []

    /// Describes a RunInstances request.
    package init(data: LaunchTemplateData, minCount: Int, maxCount: Int, clientToken: String? = nil, template: TemplateSpecifier? = nil) {
        self.data = data
        self.minCount = minCount
        self.maxCount = maxCount
        self.clientToken = clientToken
        self.template = template
    }
}
