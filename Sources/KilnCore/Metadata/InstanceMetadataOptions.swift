/// How an instance's metadata service answers: whether it is on, whether a session token
/// (IMDSv2) is required, how far a token's answer may travel, and whether the instance's tags
/// are readable.
package struct InstanceMetadataOptions: Sendable, Codable, Equatable {
    /// `optional` (IMDSv1 and IMDSv2) or `required` (IMDSv2 only).
    package var httpTokens: String
    /// The IP hop limit of the token's answer, 1 to 64.
    package var httpPutResponseHopLimit: Int
    /// `enabled` or `disabled`: a disabled service answers 403 to everything.
    package var httpEndpoint: String
    /// `enabled` or `disabled`: the service's IPv6 address.
    package var httpProtocolIPv6: String
    /// `enabled` or `disabled`: whether `meta-data/tags/instance/` lists the instance's tags.
    package var instanceMetadataTags: String

    /// The options an instance gets when its launch names none: EC2's defaults, except that an
    /// image whose ImdsSupport is `v2.0` requires tokens with a hop limit of 2.
    package static func launchDefaults(imdsSupport: String?) -> InstanceMetadataOptions {
        let v2Only = imdsSupport == "v2.0"
        return InstanceMetadataOptions(
            httpTokens: v2Only ? "required" : "optional",
            httpPutResponseHopLimit: v2Only ? 2 : 1,
            httpEndpoint: "enabled",
            httpProtocolIPv6: "disabled",
            instanceMetadataTags: "disabled"
        )
    }

    /// These options with each member `change` names replaced, once checked as AWS checks them.
    package func changed(by change: InstanceMetadataOptionsChange) throws -> InstanceMetadataOptions {
        var options = self
        if let tokens = change.httpTokens {
            try Self.check(tokens, among: ["optional", "required"], parameter: "HttpTokens")
            options.httpTokens = tokens
        }
        if let hopLimit = change.httpPutResponseHopLimit {
            guard (1...64).contains(hopLimit) else { throw CloudError.metadataHopLimitOutOfRange(hopLimit) }
            options.httpPutResponseHopLimit = hopLimit
        }
        if let endpoint = change.httpEndpoint {
            try Self.check(endpoint, among: ["enabled", "disabled"], parameter: "HttpEndpoint")
            options.httpEndpoint = endpoint
        }
        if let ipv6 = change.httpProtocolIPv6 {
            try Self.check(ipv6, among: ["enabled", "disabled"], parameter: "HttpProtocolIpv6")
            options.httpProtocolIPv6 = ipv6
        }
        if let tags = change.instanceMetadataTags {
            try Self.check(tags, among: ["enabled", "disabled"], parameter: "InstanceMetadataTags")
            options.instanceMetadataTags = tags
        }
        return options
    }

    private static func check(_ value: String, among valid: [String], parameter: String) throws {
        guard valid.contains(value) else { throw CloudError.invalidEnumValue(value, parameter: parameter, valid: valid) }
    }
}

/// The metadata options a call names (RunInstances, a launch template,
/// ModifyInstanceMetadataOptions); each member left nil keeps what is there.
package struct InstanceMetadataOptionsChange: Sendable, Codable, Equatable {
    package var httpTokens: String?
    package var httpPutResponseHopLimit: Int?
    package var httpEndpoint: String?
    package var httpProtocolIPv6: String?
    package var instanceMetadataTags: String?

    /// A change of the members given.
    package init(
        httpTokens: String? = nil,
        httpPutResponseHopLimit: Int? = nil,
        httpEndpoint: String? = nil,
        httpProtocolIPv6: String? = nil,
        instanceMetadataTags: String? = nil
    ) {
        self.httpTokens = httpTokens
        self.httpPutResponseHopLimit = httpPutResponseHopLimit
        self.httpEndpoint = httpEndpoint
        self.httpProtocolIPv6 = httpProtocolIPv6
        self.instanceMetadataTags = instanceMetadataTags
    }

    /// Whether the change names nothing.
    package var isEmpty: Bool { self == InstanceMetadataOptionsChange() }
}
