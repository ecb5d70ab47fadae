/// A read cache in memory for immutable objects, with a size limit: objects are cached in
/// aligned chunks, the least recently used chunk leaves first.
///
/// A read fetches the chunks it spans that are not cached, one ranged GET each, so the blocks
/// a pack holds next to each other (a volume's, an image's) are read from the store once. Two
/// reads of a chunk that is being fetched share the fetch.
package actor RangeCache {
    /// The most bytes cached.
    package let capacity: Int
    /// The size of the chunks objects are cached in.
    package let chunkSize: Int

    private struct Key: Hashable {
        var name: String
        var index: Int
    }

    private var chunks: [Key: (bytes: [UInt8], lastUse: UInt64)] = [:]
    private var fetching: [Key: Task<[UInt8], any Error>] = [:]
    private var used = 0
    private var clock: UInt64 = 0
    /// Reads answered from memory, and chunks fetched: for tests and logs.
    package private(set) var hits = 0
    package private(set) var fetches = 0

    /// A cache of at most `capacity` bytes in chunks of `chunkSize` bytes.
    package init(capacity: Int, chunkSize: Int = 4 << 20) {
        self.capacity = capacity
        self.chunkSize = max(chunkSize, 1)
    }

    /// Bytes `offset..<offset+length` of object `name`; `fetch(start, count)` reads a range
    /// of the object from the store (fewer bytes at its end).
    package func read(
        _ name: String,
        offset: Int,
        length: Int,
        fetch: @escaping @Sendable (Int, Int) async throws -> [UInt8]
    ) async throws -> [UInt8] {
        guard length > 0 else { return [] }
        var output: [UInt8] = []
        output.reserveCapacity(length)
        let first = offset / chunkSize
        let last = (offset + length - 1) / chunkSize
        for index in first...last {
            let chunk = try await self.chunk(Key(name: name, index: index), fetch: fetch)
            let chunkStart = index * chunkSize
            let from = max(offset, chunkStart) - chunkStart
            let to = min(offset + length, chunkStart + chunkSize) - chunkStart
            guard to <= chunk.count else {
                throw ObjectStoreError.shortRead(key: name, offset: offset, wanted: length, got: output.count + max(chunk.count - from, 0))
            }
            output.append(contentsOf: chunk[from..<to])
        }
        return output
    }

    /// Forgets every chunk of `name`: after it is deleted or written again.
    package func forget(_ name: String) {
        for key in chunks.keys where key.name == name {
            used -= chunks[key]?.bytes.count ?? 0
            chunks[key] = nil
        }
    }

    private func chunk(_ key: Key, fetch: @escaping @Sendable (Int, Int) async throws -> [UInt8]) async throws -> [UInt8] {
        clock += 1
        if let cached = chunks[key] {
            chunks[key]?.lastUse = clock
            hits += 1
            return cached.bytes
        }
        if let running = fetching[key] { return try await running.value }
        let start = key.index * chunkSize
        let size = chunkSize
        let task = Task { try await fetch(start, size) }
        fetching[key] = task
        fetches += 1
        defer { fetching[key] = nil }
        let bytes = try await task.value
        keep(bytes, as: key)
        return bytes
    }

    /// Caches a chunk, making room by dropping the least recently used ones.
    private func keep(_ bytes: [UInt8], as key: Key) {
        guard bytes.count <= capacity, chunks[key] == nil else { return }
        while used + bytes.count > capacity, let oldest = chunks.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
            used -= chunks[oldest]?.bytes.count ?? 0
            chunks[oldest] = nil
        }
        chunks[key] = (bytes, clock)
        used += bytes.count
    }

    /// The bytes cached now.
    package var bytesCached: Int { used }
}
