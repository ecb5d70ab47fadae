/// A key and value attached to a resource.
public struct Tag: Sendable, Hashable, Codable {
    /// The key, up to 128 characters; `aws:` keys are AWS's own.
    public var key: String
    /// The value, up to 256 characters; may be empty.
    public var value: String

    /// Creates a tag.
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    /// The most tags one resource may carry.
    public static let maximumPerResource = 50

    /// Checks the key and value against AWS's rules for tags a user writes.
    public func validate() throws {
        if key.isEmpty {
            throw CloudError.invalidParameterValue("Tag key cannot be empty")
        }
        if key.count > 128 {
            throw CloudError.invalidParameterValue("Tag key exceeds the maximum length of 128 characters")
        }
        if value.count > 256 {
            throw CloudError.invalidParameterValue("Tag value exceeds the maximum length of 256 characters")
        }
        if key.lowercased().hasPrefix("aws:") {
            throw CloudError.invalidParameterValue("Tag keys starting with 'aws:' are reserved for internal use")
        }
    }
}

/// A tag as DescribeTags lists it: with the resource it is on.
public struct ResourceTag: Sendable, Hashable, Codable {
    /// The tagged resource's id.
    public var resourceID: String
    /// The tagged resource's type, such as `volume`.
    public var resourceType: String
    /// The tag.
    public var tag: Tag

    /// Creates a resource tag.
    public init(resourceID: String, resourceType: String, tag: Tag) {
        self.resourceID = resourceID
        self.resourceType = resourceType
        self.tag = tag
    }
}
