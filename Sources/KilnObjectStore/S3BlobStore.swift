import KilnCore

/// A ``BlobStore`` in an S3-compatible object store: each object is an S3 object under the
/// location's key prefix.
///
/// Objects are written whole (one PUT, or a multipart upload for a streamed object larger than
/// a part), so a crash leaves either the whole object or none: S3 makes an object visible only
/// when its PUT or its upload's completion succeeds. Reads are ranged GETs, through a
/// ``RangeCache`` when the store's objects are never rewritten (packs).
package struct S3BlobStore: BlobStore {
    /// The client for the bucket; its location's key prefix is this store's.
    package let client: S3Client
    /// The read cache, for stores whose objects are immutable.
    package let cache: RangeCache?
    /// The size of a multipart upload's parts (S3 asks at least 5 MiB but for the last).
    package let partSize: Int

    /// A store at `location`; `cache` caches reads.
    package init(location: S3Location, cache: RangeCache? = nil, partSize: Int = 16 << 20) {
        client = S3Client(location: location)
        self.cache = cache
        self.partSize = max(partSize, 5 << 20)
    }

    private func key(_ name: String) -> String { client.location.keyPrefix + name }

    package func write(_ name: String, _ bytes: [UInt8]) async throws {
        try await client.put(key(name), bytes)
        await cache?.forget(name)
    }

    package func write(_ name: String, streaming produce: @Sendable (BlobSink) async throws -> Void) async throws {
        let upload = StreamedUpload(client: client, key: key(name), partSize: partSize)
        do {
            try await produce(BlobSink { bytes in try await upload.append(bytes) })
            try await upload.finish()
        } catch {
            await upload.abandon()
            throw error
        }
        await cache?.forget(name)
    }

    package func read(_ name: String, offset: Int, length: Int) async throws -> [UInt8] {
        let key = key(name)
        let client = client
        let bytes: [UInt8]
        if let cache {
            bytes = try await cache.read(name, offset: offset, length: length) { start, count in
                try await client.get(key, offset: start, length: count)
            }
        } else {
            bytes = try await client.get(key, offset: offset, length: length)
        }
        guard bytes.count == length else { throw ObjectStoreError.shortRead(key: key, offset: offset, wanted: length, got: bytes.count) }
        return bytes
    }

    package func size(_ name: String) async throws -> Int? {
        try await client.size(key(name))
    }

    package func delete(_ name: String) async throws {
        try await client.delete(key(name))
        await cache?.forget(name)
    }

    package func list(prefix: String) async throws -> [String] {
        let folder = client.location.keyPrefix
        return try await client.list(prefix: folder + prefix).map { String($0.dropFirst(folder.count)) }.sorted()
    }
}
