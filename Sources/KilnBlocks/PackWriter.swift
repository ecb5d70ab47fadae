import Foundation
import KilnCore

/// Gathers encoded blocks into pack objects, one open pack per domain, and makes them
/// durable: the pack object is written whole (and synced) before its blocks are indexed.
///
/// Each entry in a pack is a 48-byte header (`KLB1`, codec, reserved bytes, plain and
/// stored lengths, block id) followed by the stored bytes, so a pack describes itself and
/// the index could be rebuilt from the packs alone.
package actor PackWriter {
    /// The size at which an open pack is written out.
    let targetSize: Int
    private let blobs: any BlobStore
    private let index: any BlockIndex
    private let clock: any Clock

    /// A pack being filled: its entries' headers and stored bytes as separate pieces, the
    /// stored bytes being the encoded blocks' own arrays, so that they reach the blob store
    /// without first being copied into one pack buffer.
    private struct OpenPack {
        var name: String
        var pieces: [[UInt8]] = []
        /// The pack's size so far: its pieces' lengths added up.
        var size = 0
        var blocks: [IndexedBlock] = []
    }

    private var open: [String: OpenPack] = [:]
    /// Blocks appended but not yet indexed, by domain: readable from memory, found by dedup.
    private var unindexed: [String: [BlockID: (IndexedBlock, [UInt8])]] = [:]
    /// Packs being written out, by name. A pack leaves this list only once it is indexed, or
    /// once its write has failed and it has moved to `failed`, so that every flush can wait for
    /// every pack in flight, whichever flush started it.
    private var writing: [String: Task<Void, any Error>] = [:]
    /// Packs whose write failed, with their domain and the error. Their blocks stay readable
    /// from memory and found by deduplication, and the next flush writes them again: a block
    /// once appended is either made durable by a flush, or that flush throws.
    private var failed: [String: (pack: OpenPack, domain: String, error: any Error)] = [:]
    /// The write of the open packs that a flush started, while it runs. Flushes that arrive
    /// meanwhile wait for it, then write together everything appended since: many small
    /// writes (a volume's, one block each) share one pack, one sync and one index transaction
    /// instead of each making its own (group commit).
    private var groupWrite: Task<Void, any Error>?
    /// Names of packs open, being written or waiting to be written again: objects garbage
    /// collection must not take for orphans.
    private(set) var unfinishedPackNames: Set<String> = []

    package static let headerSize = 48
    static let magic: [UInt8] = Array("KLB1".utf8)

    init(blobs: any BlobStore, index: any BlockIndex, clock: any Clock, targetSize: Int = 32 << 20) {
        self.blobs = blobs
        self.index = index
        self.clock = clock
        self.targetSize = targetSize
    }

    /// Whether `id` was appended in `domain` and is not indexed yet.
    func holds(_ id: BlockID, domain: String) -> Bool {
        unindexed[domain]?[id] != nil
    }

    /// The stored bytes and location of an appended block that is not indexed yet.
    func unindexedBlock(_ id: BlockID, domain: String) -> (IndexedBlock, [UInt8])? {
        unindexed[domain]?[id]
    }

    /// Adds an encoded block to its domain's open pack, writing the pack out when it is full.
    func append(_ encoded: BlockEncoding.Encoded, id: BlockID, sha256: [UInt8], plainLength: Int, domain: String) {
        if unindexed[domain]?[id] != nil { return }
        // Taken out of the dictionary so that appending mutates the one list in place.
        var pack = open.removeValue(forKey: domain) ?? newPack(domain: domain)
        var header = Self.magic
        header.append(encoded.codec.rawValue)
        header.append(contentsOf: [0, 0, 0])
        withUnsafeBytes(of: UInt32(plainLength).littleEndian) { header.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(encoded.bytes.count).littleEndian) { header.append(contentsOf: $0) }
        header.append(contentsOf: id.bytes)
        pack.pieces.append(header)
        pack.size += header.count
        let block = IndexedBlock(
            domain: domain,
            id: id,
            pack: pack.name,
            offset: pack.size,
            storedLength: encoded.bytes.count,
            plainLength: plainLength,
            codec: encoded.codec,
            sha256: sha256,
            indexedAt: clock.now
        )
        pack.pieces.append(encoded.bytes)
        pack.size += encoded.bytes.count
        pack.blocks.append(block)
        unindexed[domain, default: [:]][id] = (block, encoded.bytes)
        if pack.size >= targetSize {
            startWriting(pack, domain: domain)
        } else {
            open[domain] = pack
        }
    }

    private func newPack(domain: String) -> OpenPack {
        let pack = OpenPack(name: Self.newPackName(domain: domain))
        unfinishedPackNames.insert(pack.name)
        return pack
    }

    /// Makes every block appended so far durable and indexed, or throws.
    ///
    /// It answers for the packs open or in flight when it is called: a caller's block may sit
    /// in any of them (appended there, or found there by deduplication), whichever flush
    /// writes them out. Packs whose write failed are written again first.
    func flush() async throws {
        for (pack, domain, _) in failed.values {
            startWriting(pack, domain: domain)
        }
        failed = [:]
        let answering = Set(open.values.map(\.name)).union(writing.keys)
        while true {
            if let error = answering.lazy.compactMap({ self.failed[$0]?.error }).first {
                throw error
            }
            if open.values.contains(where: { answering.contains($0.name) }) {
                if let groupWrite {
                    // Another flush's write is under way; its errors are its callers' to see.
                    _ = try? await groupWrite.value
                } else {
                    startGroupWrite()
                }
                continue
            }
            guard let task = writing.first(where: { answering.contains($0.key) })?.value else { return }
            try await task.value
        }
    }

    /// Writes out every open pack, as one group that later flushes wait for.
    private func startGroupWrite() {
        let tasks = open.map { domain, pack in startWriting(pack, domain: domain) }
        open = [:]
        groupWrite = Task {
            defer { groupWrite = nil }
            for task in tasks {
                try await task.value
            }
        }
    }

    /// Starts writing and indexing a pack. The task runs on this actor, so it cannot finish
    /// (and remove itself from `writing`) before this method has put it there.
    @discardableResult
    private func startWriting(_ pack: OpenPack, domain: String) -> Task<Void, any Error> {
        let blobs = self.blobs
        let index = self.index
        let record = PackRecord(name: pack.name, domain: domain, size: pack.size, createdAt: clock.now)
        let task = Task {
            do {
                try await blobs.write(pack.name, pieces: pack.pieces)
                try await index.indexPack(record, blocks: pack.blocks)
            } catch {
                self.writeFailed(pack, domain: domain, error: error)
                throw error
            }
            self.indexed(pack, domain: domain)
        }
        writing[pack.name] = task
        return task
    }

    /// A pack is durable and indexed: its blocks are now found through the index.
    private func indexed(_ pack: OpenPack, domain: String) {
        for block in pack.blocks {
            unindexed[domain]?[block.id] = nil
        }
        writing[pack.name] = nil
        unfinishedPackNames.remove(pack.name)
    }

    /// A pack could not be written or indexed: it is kept, whole, for the next flush.
    private func writeFailed(_ pack: OpenPack, domain: String, error: any Error) {
        writing[pack.name] = nil
        failed[pack.name] = (pack, domain, error)
    }

    /// What is wrong with the header in front of `block` in its pack, if anything: `entry` is the
    /// header followed by the stored bytes.
    package static func checkHeader(_ entry: [UInt8], for block: IndexedBlock) -> String? {
        guard entry.count >= headerSize, Array(entry[0..<4]) == magic else { return "the entry header's magic is damaged" }
        func word(_ at: Int) -> Int { entry[at..<at + 4].reversed().reduce(0) { $0 << 8 | Int($1) } }
        guard entry[4] == block.codec.rawValue else { return "the entry header's codec does not match the index" }
        guard word(8) == block.plainLength, word(12) == block.storedLength else { return "the entry header's lengths do not match the index" }
        guard Array(entry[16..<48]) == block.id.bytes else { return "the entry header names another block" }
        return nil
    }

    /// `packs/<hash of the domain>/<random id>.pack`: packs never mix domains.
    static func newPackName(domain: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in domain.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        var random = SystemRandomNumberGenerator()
        let suffix = (0..<2).map { _ in String(random.next() as UInt64, radix: 16) }.joined()
        return "packs/\(String(hash, radix: 16))/\(suffix).pack"
    }
}
