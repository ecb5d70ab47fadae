/// What RunInstances asks for: launch parameters, how many instances, and optionally the
/// launch template that supplies what the call leaves out.
public struct LaunchRequest: Sendable {
    /// Names a launch template and one of its versions.
    public struct TemplateSpecifier: Sendable, Codable, Equatable {
        public var id: String?
        public var name: String?
        /// A number, `$Latest` or `$Default` (the default when absent).
        public var version: String?

        /// Names a template by id or name.
        public init(id: String?, name: String?, version: String?) {
            self.id = id
            self.name = name
            self.version = version
        }
    }

    /// The parameters given in the call itself.
    public var data: LaunchTemplateData
    public var minCount: Int
    public var maxCount: Int
    /// Makes the call idempotent: a repeat with the same token returns the first reservation.
    public var clientToken: String?
    public var template: TemplateSpecifier?
    /// Tags AWS itself puts on what it launches (`aws:autoscaling:groupName`), which callers may not.
    public var systemTags: [Tag] = []

    /// Describes a RunInstances request.
    public init(data: LaunchTemplateData, minCount: Int, maxCount: Int, clientToken: String? = nil, template: TemplateSpecifier? = nil) {
        self.data = data
        self.minCount = minCount
        self.maxCount = maxCount
        self.clientToken = clientToken
        self.template = template
    }
}
