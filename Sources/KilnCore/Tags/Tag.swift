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

/// Where a page of an account's tags ends: the last tag's resource id and key.
package struct TagPosition: Sendable, Hashable {
    /// The tagged resource's id, as the store keeps it.
    package var resourceID: String
    /// The tag's key.
    package var key: String

    package init(resourceID: String, key: String) {
        self.resourceID = resourceID
        self.key = key
    }

    /// The position as one string, for a page token: the id, a newline, then the key (ids
    /// never hold a newline).
    package var encoded: String { resourceID + "\n" + key }

    /// The position `encoded` spells, if it spells one.
    package init?(encoded: String) {
        guard let newline = encoded.firstIndex(of: "\n") else { return nil }
        self.init(resourceID: String(encoded[..<newline]), key: String(encoded[encoded.index(after: newline)...]))
    }
}
