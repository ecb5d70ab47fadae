import Synchronization
import Testing

@testable import KilnObjectStore

@Suite("Read cache")
struct RangeCacheTests {
    /// An object of `size` bytes whose byte at `i` is `i % 251`, and a count of the fetches made.
    final class FakeObject: Sendable {
        let size: Int
        let fetched = Mutex<[(Int, Int)]>([])
        init(size: Int) { self.size = size }

        var fetch: @Sendable (Int, Int) async throws -> [UInt8] {
            { start, count in
                self.fetched.withLock { $0.append((start, count)) }
                return (start..<min(start + count, self.size)).map { UInt8($0 % 251) }
            }
        }

        func expected(_ offset: Int, _ length: Int) -> [UInt8] { (offset..<offset + length).map { UInt8($0 % 251) } }
    }

    @Test("Repeated reads are answered from memory; a read across chunks fetches each chunk once")
    func cachesChunks() async throws {
        let object = FakeObject(size: 10_000)
        let cache = RangeCache(capacity: 1 << 20, chunkSize: 1000)
        #expect(try await cache.read("p", offset: 990, length: 20, fetch: object.fetch) == object.expected(990, 20))
        #expect(object.fetched.withLock { $0.map(\.0) } == [0, 1000])
        #expect(try await cache.read("p", offset: 1005, length: 10, fetch: object.fetch) == object.expected(1005, 10))
        #expect(try await cache.read("p", offset: 0, length: 2000, fetch: object.fetch) == object.expected(0, 2000))
        #expect(object.fetched.withLock { $0.count } == 2)
        #expect(await cache.hits == 3)
        // The last chunk is short: a read inside it works, one past the end fails.
        #expect(try await cache.read("p", offset: 9990, length: 10, fetch: object.fetch) == object.expected(9990, 10))
        await #expect(throws: ObjectStoreError.self) { try await cache.read("p", offset: 9995, length: 10, fetch: object.fetch) }
    }

    @Test("The cache stays under its limit, dropping the least recently used chunk")
    func evictsLeastRecentlyUsed() async throws {
        let object = FakeObject(size: 10_000)
        let cache = RangeCache(capacity: 3000, chunkSize: 1000)
        for start in [0, 1000, 2000] { _ = try await cache.read("p", offset: start, length: 1, fetch: object.fetch) }
        _ = try await cache.read("p", offset: 0, length: 1, fetch: object.fetch)  // 0 is now the most recent
        _ = try await cache.read("p", offset: 3000, length: 1, fetch: object.fetch)  // drops 1000
        #expect(await cache.bytesCached <= 3000)
        let before = object.fetched.withLock { $0.count }
        _ = try await cache.read("p", offset: 0, length: 1, fetch: object.fetch)
        _ = try await cache.read("p", offset: 2000, length: 1, fetch: object.fetch)
        #expect(object.fetched.withLock { $0.count } == before)
        _ = try await cache.read("p", offset: 1000, length: 1, fetch: object.fetch)
        #expect(object.fetched.withLock { $0.count } == before + 1)
        await cache.forget("p")
        #expect(await cache.bytesCached == 0)
    }

    @Test("Concurrent reads of one chunk share one fetch")
    func sharesFetches() async throws {
        let object = FakeObject(size: 4096)
        let cache = RangeCache(capacity: 1 << 20, chunkSize: 4096)
        try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for index in 0..<16 { group.addTask { try await cache.read("p", offset: index * 100, length: 100, fetch: object.fetch) } }
            for try await bytes in group { #expect(bytes.count == 100) }
        }
        #expect(object.fetched.withLock { $0.count } == 1)
    }
}
