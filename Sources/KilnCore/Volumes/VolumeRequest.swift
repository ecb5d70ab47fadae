/// What CreateVolume asks for.
package struct VolumeRequest: Sendable {
    package var availabilityZone: String?
    package var size: Int?
    package var snapshotID: String?
    package var type: String?
    package var iops: Int?
    package var throughput: Int?
    package var encrypted: Bool?
    package var kmsKeyID: String?
    package var multiAttachEnabled: Bool?
    package var tags: [Tag]
    /// Makes a retry of the same request answer with the volume the first call made.
    package var clientToken: String?

    /// Describes a CreateVolume request.
    package init(
        availabilityZone: String?,
        size: Int?,
        snapshotID: String? = nil,
        type: String? = nil,
        iops: Int? = nil,
        throughput: Int? = nil,
        encrypted: Bool? = nil,
        kmsKeyID: String? = nil,
        multiAttachEnabled: Bool? = nil,
        tags: [Tag] = [],
        clientToken: String? = nil
    ) {
        self.availabilityZone = availabilityZone
        self.size = size
        self.snapshotID = snapshotID
        self.type = type
        self.iops = iops
        self.throughput = throughput
        self.encrypted = encrypted
        self.kmsKeyID = kmsKeyID
        self.multiAttachEnabled = multiAttachEnabled
        self.tags = tags
        self.clientToken = clientToken
    }
}
