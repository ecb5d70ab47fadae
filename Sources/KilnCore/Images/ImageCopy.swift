/// What CopyImage asks for. The destination is the request's own region.
package struct ImageCopy: Sendable {
    package var sourceRegion: String
    package var sourceImageID: String
    package var name: String
    package var description: String?
    package var encrypted: Bool?
    package var kmsKeyID: String?
    /// Whether the caller's tags on the source come along.
    package var copyImageTags: Bool
    package var tags: [Tag]
    package var clientToken: String?

    /// Describes a CopyImage request.
    package init(
        sourceRegion: String,
        sourceImageID: String,
        name: String,
        description: String? = nil,
        encrypted: Bool? = nil,
        kmsKeyID: String? = nil,
        copyImageTags: Bool = false,
        tags: [Tag] = [],
        clientToken: String? = nil
    ) {
        self.sourceRegion = sourceRegion
        self.sourceImageID = sourceImageID
        self.name = name
        self.description = description
        self.encrypted = encrypted
        self.kmsKeyID = kmsKeyID
        self.copyImageTags = copyImageTags
        self.tags = tags
        self.clientToken = clientToken
    }
}
