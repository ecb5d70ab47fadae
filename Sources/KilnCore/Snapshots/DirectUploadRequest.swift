/// What StartSnapshot asks for.
package struct DirectUploadRequest: Sendable {
    package var volumeSize: Int
    package var parentSnapshotID: String?
    package var encrypted: Bool?
    package var kmsKeyARN: String?
    package var timeoutMinutes: Int?
    package var clientToken: String?
    package var description: String?
    package var tags: [Tag]

    /// Describes a StartSnapshot request.
    package init(
        volumeSize: Int,
        parentSnapshotID: String? = nil,
        encrypted: Bool? = nil,
        kmsKeyARN: String? = nil,
        timeoutMinutes: Int? = nil,
        clientToken: String? = nil,
        description: String? = nil,
        tags: [Tag] = []
    ) {
        self.volumeSize = volumeSize
        self.parentSnapshotID = parentSnapshotID
        self.encrypted = encrypted
        self.kmsKeyARN = kmsKeyARN
        self.timeoutMinutes = timeoutMinutes
        self.clientToken = clientToken
        self.description = description
        self.tags = tags
    }
}
