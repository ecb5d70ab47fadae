/// Where block data lives: deduplicated, compressed and, in encrypted domains, sealed.
///
/// A put block is durable only after ``flush()``; callers flush before they commit metadata
/// that refers to blocks, so the metadata never names a block a crash could lose.
package protocol BlockStore: Sendable {
    /// Stores one block of plaintext whose SHA-256 the caller has checked, unless the domain
    /// already holds it, and returns its id.
    func put(_ plaintext: [UInt8], sha256: [UInt8], domain: EncryptionDomain) async throws -> BlockID
    /// Makes every block put so far durable, then indexes it.
    func flush() async throws
    /// The plaintext of a stored block.
    func read(_ id: BlockID, domain: EncryptionDomain) async throws -> [UInt8]
    /// Whether the domain holds the block (durably indexed or about to be).
    func contains(_ id: BlockID, domain: EncryptionDomain) async throws -> Bool
    /// The id `sha256` would have in `domain`.
    func blockID(sha256: [UInt8], domain: EncryptionDomain) async throws -> BlockID
    /// Stores in `target` the block `id` of `source`, whose plaintext has the SHA-256 `sha256`,
    /// unless `target` holds it already; returns its id in `target`. Stores may move the
    /// block's stored form without decoding it (see ``BlockStore/copy(_:sha256:from:to:)``).
    func copy(_ id: BlockID, sha256: [UInt8], from source: EncryptionDomain, to target: EncryptionDomain) async throws -> BlockID
}

/// Where a streamed object's pieces go, in order.
package struct BlobSink: Sendable {
    private let append: @Sendable ([UInt8]) async throws -> Void

    /// A sink that hands each piece to `append`.
    package init(_ append: @escaping @Sendable ([UInt8]) async throws -> Void) {
        self.append = append
    }

    /// Adds `bytes` to the end of the object.
    package func write(_ bytes: [UInt8]) async throws {
        try await append(bytes)
    }
}

extension BlobStore {
    /// Joins the pieces, then writes them as one object.
    package func write(_ name: String, pieces: [[UInt8]]) async throws {
        try await write(name, Array(pieces.joined()))
    }
}

extension BlockStore {
    /// Copies through the plaintext: read from `source`, put into `target`.
    package func copy(_ id: BlockID, sha256: [UInt8], from source: EncryptionDomain, to target: EncryptionDomain) async throws -> BlockID {
        let targetID = try await blockID(sha256: sha256, domain: target)
        if try await contains(targetID, domain: target) { return targetID }
        return try await put(try await read(id, domain: source), sha256: sha256, domain: target)
    }
}

/// Durable storage for whole objects: local files (`LocalBlobStore`) or memory in tests.
///
/// Nothing above this protocol assumes a POSIX filesystem: objects are written whole,
/// read by range, listed by prefix and deleted.
package protocol BlobStore: Sendable {
    /// Writes an object whole and durably: after it returns, a crash keeps it; a crash during
    /// it leaves either nothing or the whole object.
    func write(_ name: String, _ bytes: [UInt8]) async throws
    /// Writes an object whole and durably from `pieces`, end to end; the same promise as
    /// ``write(_:_:)``. A store that can write the pieces as they are skips joining them first.
    func write(_ name: String, pieces: [[UInt8]]) async throws
    /// Writes an object whole and durably from pieces `produce` hands to the sink it is given,
    /// so that an object larger than memory can be written; the same all-or-nothing promise
    /// as ``write(_:_:)``.
    func write(_ name: String, streaming produce: @Sendable (BlobSink) async throws -> Void) async throws
    /// Reads `length` bytes from `offset` of an object.
    func read(_ name: String, offset: Int, length: Int) async throws -> [UInt8]
    /// The size of an object in bytes, or `nil` if there is none by that name.
    func size(_ name: String) async throws -> Int?
    /// Deletes an object; deleting a missing one is not an error.
    func delete(_ name: String) async throws
    /// The names of the objects under `prefix`.
    func list(prefix: String) async throws -> [String]
}
