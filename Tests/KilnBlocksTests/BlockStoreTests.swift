import Crypto
import Foundation
import KilnBlocks
import KilnCore
import KilnStore
import Testing

@testable import KilnTestSupport

@Suite("Block store", .timeLimit(.minutes(2)))
struct BlockStoreTests {
    @Test("Blocks round-trip, are stored once per domain, and encrypted domains get their own ids")
    func roundTripAndDedup() async throws {
        let metadata = try SQLiteMetadataStore.inMemory()
        let blobs = MemoryBlobStore()
        let store = makeBlockStore(metadata: metadata, clock: ManualClock(), blobs: blobs)
        let plain = EncryptionDomain.unencrypted("us-east-1")
        let sealed = EncryptionDomain.encrypted(
            "us-east-1",
            account: AccountID("111111111111")!,
            kmsKeyARN: "arn:aws:kms:us-east-1:111111111111:key/k"
        )
        let text = textBlock(1)
        let random = randomBlock()
        let a = try await store.put(text, sha256: sha256(text), domain: plain)
        let b = try await store.put(text, sha256: sha256(text), domain: plain)
        let c = try await store.put(text, sha256: sha256(text), domain: sealed)
        let d = try await store.put(random, sha256: sha256(random), domain: sealed)
        #expect(a == b, "the same block in the same domain has one id")
        #expect(a.bytes == sha256(text), "unencrypted ids are the plaintext's SHA-256")
        #expect(a != c, "an encrypted domain keys its ids")
        #expect(try await store.read(c, domain: sealed) == text, "readable before the flush")
        try await store.flush()
        let indexed = try await metadata.contents().blocks
        #expect(indexed.count == 3)
        let textPlain = try #require(indexed.first { $0.id == a })
        #expect(textPlain.codec == BlockCodecID(compressed: true, sealed: false))
        #expect(textPlain.storedLength < Block.size / 10, "text compresses")
        #expect(indexed.first { $0.id == d }?.codec == BlockCodecID(compressed: false, sealed: true), "random data is stored raw, then sealed")
        #expect(try await store.read(a, domain: plain) == text)
        #expect(try await store.read(d, domain: sealed) == random)
        let packs = try await blobs.list(prefix: "packs/")
        #expect(packs.count == 2, "one pack per domain")
    }

    @Test("Compression is judged by a sample spread over the block: a block that is half random and half zeros still compresses")
    func compressionSample() async throws {
        let metadata = try SQLiteMetadataStore.inMemory()
        let store = makeBlockStore(metadata: metadata, clock: ManualClock(), blobs: MemoryBlobStore())
        let plain = EncryptionDomain.unencrypted("us-east-1")
        let halfRandom = Array(randomBlock().prefix(Block.size / 2)) + [UInt8](repeating: 0, count: Block.size / 2)
        let zerosThenRandom = [UInt8](repeating: 0, count: Block.size / 2) + Array(randomBlock().prefix(Block.size / 2))
        let random = randomBlock()
        var ids: [BlockID] = []
        for block in [halfRandom, zerosThenRandom, random] {
            ids.append(try await store.put(block, sha256: sha256(block), domain: plain))
        }
        try await store.flush()
        let indexed = try await metadata.contents().blocks
        func stored(_ id: BlockID) throws -> IndexedBlock { try #require(indexed.first { $0.id == id }) }
        #expect(try stored(ids[0]).codec.compressed && stored(ids[0]).storedLength < Block.size * 3 / 5, "random then zeros")
        #expect(try stored(ids[1]).codec.compressed && stored(ids[1]).storedLength < Block.size * 3 / 5, "zeros then random")
        #expect(try !stored(ids[2]).codec.compressed, "random data is stored raw")
        #expect(try await store.read(ids[0], domain: plain) == halfRandom)
        #expect(try await store.read(ids[1], domain: plain) == zerosThenRandom)
    }

    @Test("Verification finds a damaged block; garbage collection reclaims unreferenced packs and keeps referenced ones")
    func verifyAndCollect() async throws {
        let metadata = try SQLiteMetadataStore.inMemory()
        let blobs = MemoryBlobStore()
        let clock = ManualClock()
        let store = makeBlockStore(metadata: metadata, clock: clock, blobs: blobs, packSize: Block.size)
        let domain = EncryptionDomain.unencrypted("us-east-1")
        let kept = randomBlock()
        let dropped = randomBlock()
        let keptID = try await store.put(kept, sha256: sha256(kept), domain: domain)
        _ = try await store.put(dropped, sha256: sha256(dropped), domain: domain)
        try await store.flush()
        try await metadata.write { try $0.putBlockEntries([BlockEntry(index: 0, id: keptID, sha256: sha256(kept))], of: "snap-1", domain: domain.id) }
        #expect(try await store.verify().problems.isEmpty)

        clock.advance(by: 3600)
        let report = try await store.collectGarbage(alsoLive: [])
        #expect(report.packsDeleted == 1)
        #expect(report.blocksRemoved == 1)
        #expect(report.liveBlocks == 1)
        #expect(try await store.read(keptID, domain: domain) == kept)
        #expect(try await blobs.list(prefix: "packs/").count == 1)

        let pack = try #require(try await metadata.contents().blocks.first)
        await blobs.corrupt(pack.pack, at: pack.offset + 100)
        let damaged = try await store.verify()
        #expect(damaged.problems.count == 1, "the flipped byte is found")
    }

    @Test("Small packs left by many small flushes are merged by garbage collection; every block still reads back")
    func smallPacksMerge() async throws {
        let metadata = try SQLiteMetadataStore.inMemory()
        let blobs = MemoryBlobStore()
        let clock = ManualClock()
        let store = makeBlockStore(metadata: metadata, clock: clock, blobs: blobs, packSize: 16 * Block.size)
        let domain = EncryptionDomain.unencrypted("us-east-1")
        var entries: [BlockEntry] = []
        for index in 0..<5 {
            let block = randomBlock()
            entries.append(BlockEntry(index: index, id: try await store.put(block, sha256: sha256(block), domain: domain), sha256: sha256(block)))
            try await store.flush()  // as a volume write does
        }
        let written = entries
        try await metadata.write { try $0.putBlockEntries(written, of: "vol-1", domain: domain.id) }
        #expect(try await blobs.list(prefix: "packs/").count == 5)
        clock.advance(by: 3600)
        let report = try await store.collectGarbage(alsoLive: [])
        #expect(report.smallPacksMerged == 5)
        #expect(try await blobs.list(prefix: "packs/").count == 1)
        #expect(try await store.verify().problems.isEmpty)
        for entry in entries {
            #expect(sha256(try await store.read(entry.id, domain: domain)) == entry.sha256)
        }
    }

    @Test("Collections running together, and with volume writes, never delete a pack the index names")
    func concurrentCollections() async throws {
        let metadata = try SQLiteMetadataStore.inMemory()
        let blobs = MemoryBlobStore()
        let clock = ManualClock()
        let store = makeBlockStore(metadata: metadata, clock: clock, blobs: blobs, packSize: 16 * Block.size)
        let domain = EncryptionDomain.unencrypted("us-east-1")
        for round in 0..<8 {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<3 {
                    group.addTask {
                        for index in 0..<4 {
                            let block = randomBlock()
                            let entry = BlockEntry(
                                index: index,
                                id: try await store.put(block, sha256: sha256(block), domain: domain),
                                sha256: sha256(block)
                            )
                            try await store.flush()  // as a volume write does: a small pack each time
                            try await metadata.write { try $0.putBlockEntries([entry], of: "vol-\(round)-\(writer)", domain: domain.id) }
                        }
                    }
                }
                for _ in 0..<3 {
                    group.addTask { _ = try await store.collectGarbage(alsoLive: []) }
                }
                try await group.waitForAll()
            }
            clock.advance(by: 3600)  // the next round's collections may merge this round's small packs
        }
        #expect(try await store.verify().problems == [])
    }

    @Test("A mostly dead pack is rewritten with its live blocks only, and they still read back")
    func mostlyDeadPackRewrite() async throws {
        let metadata = try SQLiteMetadataStore.inMemory()
        let blobs = MemoryBlobStore()
        let clock = ManualClock()
        let store = makeBlockStore(metadata: metadata, clock: clock, blobs: blobs, packSize: 64 * Block.size)
        let domain = EncryptionDomain.unencrypted("us-east-1")
        var kept: BlockEntry?
        for index in 0..<4 {
            let block = randomBlock()
            let id = try await store.put(block, sha256: sha256(block), domain: domain)
            if index == 0 { kept = BlockEntry(index: 0, id: id, sha256: sha256(block)) }
        }
        try await store.flush()
        let live = try #require(kept)
        try await metadata.write { try $0.putBlockEntries([live], of: "snap-1", domain: domain.id) }
        // Read once before the rewrite, so that the store remembers the old location.
        #expect(sha256(try await store.read(live.id, domain: domain)) == live.sha256)
        clock.advance(by: 3600)
        let report = try await store.collectGarbage(alsoLive: [], grace: 600, rewriteThreshold: 0.3)
        #expect(report.packsRewritten == 1)
        #expect(report.blocksRemoved == 3)
        #expect(try await blobs.list(prefix: "packs/").count == 1, "the rewritten pack is not mistaken for an orphan")
        #expect(sha256(try await store.read(live.id, domain: domain)) == live.sha256, "read from its new pack, the old one deleted")
        #expect(try await store.verify().problems.isEmpty)
    }

    @Test("A block found by deduplication within the grace period is not collected")
    func graceProtectsDedupHits() async throws {
        let metadata = try SQLiteMetadataStore.inMemory()
        let clock = ManualClock()
        let store = makeBlockStore(metadata: metadata, clock: clock)
        let domain = EncryptionDomain.unencrypted("us-east-1")
        let block = randomBlock()
        _ = try await store.put(block, sha256: sha256(block), domain: domain)
        try await store.flush()
        clock.advance(by: 3600)
        _ = try await store.put(block, sha256: sha256(block), domain: domain)  // an upload reuses it, not yet recorded
        #expect(try await store.collectGarbage(alsoLive: []).blocksRemoved == 0)
        clock.advance(by: 3600)
        #expect(try await store.collectGarbage(alsoLive: []).blocksRemoved == 1)
    }

    @Test("A flush returns only when every block appended before it is indexed, even one in a pack another flush is writing")
    func flushWaitsForPacksInFlight() async throws {
        let fixture = try ScriptedBlockStore()
        let (store, blobs) = (fixture.store, fixture.blobs)
        let block = randomBlock()
        let id = try await fixture.put(block)
        await blobs.hold()
        let first = Task { try await store.flush() }
        while await blobs.writesStarted == 0 { await Task.yield() }
        // The pack holding the block is being written; a second flush must wait for it.
        let release = Task {
            try await Task.sleep(for: .milliseconds(50))
            await blobs.release()
        }
        try await store.flush()
        #expect(try await fixture.isIndexed(id), "the block is indexed when the second flush returns")
        try await first.value
        try await release.value
    }

    @Test("Flushes that arrive while a pack is being written wait, then write their blocks together in one pack")
    func groupCommit() async throws {
        let fixture = try ScriptedBlockStore()
        let (store, blobs) = (fixture.store, fixture.blobs)
        let blocks = (0..<5).map { _ in randomBlock() }
        await blobs.hold()
        var flushes: [Task<Void, any Error>] = []
        for block in blocks {
            // One small write after another, each flushed on its own, as a volume's writes are.
            _ = try await fixture.put(block)
            flushes.append(Task { try await store.flush() })
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(await blobs.writesStarted == 1, "the later flushes wait for the first pack")
        await blobs.release()
        for flush in flushes { try await flush.value }
        #expect(try await blobs.list(prefix: "packs/").count == 2, "the first block's pack, then one pack for the four that waited")
        #expect(try await fixture.metadata.contents().blocks.count == 5)
    }

    @Test("A pack whose write failed is written again by the next flush; until then its blocks read from memory")
    func failedPackIsRetried() async throws {
        let fixture = try ScriptedBlockStore()
        let (store, blobs) = (fixture.store, fixture.blobs)
        let block = randomBlock()
        let id = try await fixture.put(block)
        await blobs.failNext(1)
        await #expect(throws: ScriptedFailure.self) { try await store.flush() }
        #expect(try await store.read(id, domain: fixture.domain) == block)
        #expect(try await fixture.put(block) == id, "deduplication still finds it")
        try await store.flush()
        #expect(try await fixture.isIndexed(id))
        #expect(try await blobs.list(prefix: "packs/").count == 1)
        #expect(try await store.verify().problems.isEmpty)
    }
}
