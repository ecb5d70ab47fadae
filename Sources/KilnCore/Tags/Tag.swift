/// A key and value attached to a resource.
package struct Tag: Sendable, Hashable, Codable {
    /// The key, up to 128 characters; `aws:` keys are AWS's own.
    package var key: String
    /// The value, up to 256 characters; may be empty.
    package var value: String

    /// Creates a tag.
    package init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    /// The most tags one resource may carry.
    package static let maximumPerResource = 50

    /// Checks the key and value against AWS's rules for tags a user writes.
    package func validate() throws {
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
package struct ResourceTag: Sendable, Hashable, Codable {
    /// The tagged resource's id.
    package var resourceID: String
    /// The tagged resource's type, such as `volume`.
    package var resourceType: String
    /// The tag.
    package var tag: Tag

    /// Creates a resource tag.
    package init(resourceID: String, resourceType: String, tag: Tag) {
        self.resourceID = resourceID
        self.resourceType = resourceType
        self.tag = tag
    }
}
