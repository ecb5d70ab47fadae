/// A streamed object on its way to the store: pieces gather into parts; a small object is one
/// PUT at the end, a large one a multipart upload whose completion makes it visible.
actor StreamedUpload {
    private let client: S3Client
    private let key: String
    private let partSize: Int
    private var buffer: [UInt8] = []
    private var uploadID: String?
    private var etags: [String] = []

    init(client: S3Client, key: String, partSize: Int) {
        self.client = client
        self.key = key
        self.partSize = partSize
    }

    /// Adds bytes; sends a part whenever one is full.
    func append(_ bytes: [UInt8]) async throws {
        buffer += bytes
        while buffer.count >= partSize {
            let part = Array(buffer.prefix(partSize))
            buffer.removeFirst(partSize)
            try await send(part)
        }
    }

    private func send(_ part: [UInt8]) async throws {
        let id: String
        if let uploadID {
            id = uploadID
        } else {
            id = try await client.createMultipartUpload(key)
            uploadID = id
        }
        etags.append(try await client.uploadPart(key, uploadID: id, number: etags.count + 1, bytes: part))
    }

    /// Writes what is left and makes the object visible.
    func finish() async throws {
        guard let uploadID else {
            try await client.put(key, buffer)
            return
        }
        if !buffer.isEmpty || etags.isEmpty { try await send(buffer) }
        buffer = []
        try await client.completeMultipartUpload(key, uploadID: uploadID, etags: etags)
        self.uploadID = nil
    }

    /// Drops an unfinished upload's parts; best effort, as the write has failed already.
    func abandon() async {
        guard let uploadID else { return }
        try? await client.abortMultipartUpload(key, uploadID: uploadID)
        self.uploadID = nil
    }
}
