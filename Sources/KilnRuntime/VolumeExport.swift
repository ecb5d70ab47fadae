import Foundation
import KilnCore
import KilnNBD
import Synchronization

/// A Kiln volume served as a machine's disk, with a write-back cache of whole blocks.
///
/// Writes change cached 512 KiB blocks. A flush makes every write before it durable, so a
/// snapshot of the volume holds what the guest had flushed: AWS's crash-consistent promise.
/// It does so in one of two ways for each changed block:
///
/// - a block mostly rewritten since it was last stored (a sequential write) is stored
///   again: its bytes in the block store, its entry in one metadata transaction. Its bytes
///   are encoded ahead, as soon as a write reaches the block's last byte, while the guest
///   goes on writing; the flush then mostly waits for the commit alone;
/// - a block with small changes has them appended to the volume's ``VolumeJournal``, which
///   costs only the bytes written. Such blocks are stored later, all together, at a
///   checkpoint: when the journal or the changes held in memory grow large, when the
///   export closes, and before a snapshot reads the volume (``checkpoint()``).
///
/// Without a journal, a flush stores every changed block.
///
/// Stored blocks are fetched by tasks of their own, so that the guest rarely waits for one:
/// a sequential read starts fetching the blocks past it (read-ahead) before it returns, and
/// the next read finds them fetched or on their way. A small write to a block that is not
/// cached returns at once: it waits as a patch (see ``CachedBlock``) and lands on the stored
/// bytes when they arrive, at a read of the block or when the block is stored. As with a
/// disk's write cache, a block that cannot be read fails the flush that stores it.
///
/// Invariant: a block has a fetch in ``State/fetches`` only while it has no bytes in the cache.
final class VolumeExport: NBDExport {
    /// The unchanged blocks a cache keeps (16 MiB), least recently used first out.
    static let cachedBlocks = 32
    /// The memory changed blocks may hold (64 MiB) before a checkpoint stores them unasked.
    /// A guest flushes long before that in ordinary use (ext4 commits every 5 s).
    static let dirtyMemoryLimit = 64 << 20
    /// The journal's size (256 MiB) at which a flush ends with a checkpoint.
    static let journalLimit = 256 << 20
    /// The blocks fetched ahead of a sequential read (8 MiB).
    static let readAhead = 16
    /// The patches a block gathers before a write waits for its stored bytes.
    static let patchLimit = 256
    /// How long after it started an encoding ahead may be committed (60 s). Garbage
    /// collection spares a block that nothing references for 10 minutes after it is stored;
    /// an encoding older than this is made again, which finds its block still stored (and
    /// marks it recent) or stores it anew.
    static let encodingLifetime: TimeInterval = 60

    struct State {
        /// A block's encoding into the block store, started at one ``CachedBlock/version``
        /// and at one time.
        struct Encoding {
            var version: Int
            var started: Date
            var task: Task<BlockEntry, any Error>
        }

        /// A background commit of blocks encoded ahead (see ``VolumeExport/destageIfReady(_:)``):
        /// its task, the version of each block it commits, and the flag its task raises at its end.
        struct Destage {
            var task: Task<Void, any Error>
            var versions: [Int: Int]
            var finished: CompletionFlag
        }

        private(set) var blocks: [Int: CachedBlock] = [:]
        /// The fetches on their way, by block index.
        var fetches: [Int: BlockFetch] = [:]
        /// The blocks being encoded ahead of the next flush, by block index.
        var encodings: [Int: Encoding] = [:]
        /// The commit of blocks encoded ahead that runs in the background, if any.
        var destage: Destage?
        var clock = 0
        /// The sum of the blocks' ``CachedBlock/dirtyMemory``.
        private(set) var dirtyMemory = 0
        /// Where the last read ended: a read that starts there is sequential.
        var lastReadEnd: UInt64 = .max

        /// Uses block `index` (an empty one when the cache has none) through `body`, and keeps
        /// ``dirtyMemory`` right.
        mutating func update<Result>(_ index: Int, _ body: (inout CachedBlock) throws -> Result) rethrows -> Result {
            clock += 1
            var entry = blocks[index] ?? .awaitingFetch(lastUse: clock)
            let before = entry.dirtyMemory
            entry.lastUse = clock
            let result = try body(&entry)
            dirtyMemory += entry.dirtyMemory - before
            blocks[index] = entry
            return result
        }

        /// Drops block `index` from the cache.
        mutating func drop(_ index: Int) {
            dirtyMemory -= blocks.removeValue(forKey: index)?.dirtyMemory ?? 0
        }

        /// The blocks that differ from what the volume stores.
        var dirtyIndexes: [Int] { blocks.filter(\.value.dirty).map(\.key) }
    }

    let volumeID: String
    let size: UInt64
    private let blockCount: Int
    let volume: Volume
    let volumes: VolumeService
    /// Where flushed small writes wait for a checkpoint, when the export has a journal.
    let journal: VolumeJournal?
    private let state = Mutex(State())
    private static let zeroBlock = [UInt8](repeating: 0, count: Block.size)

    /// The export of `volume`, reading and writing through `volumes`, with `journal` for
    /// flushed small writes when given (it must be empty, or replayed).
    init(volume: Volume, volumes: VolumeService, journal: VolumeJournal? = nil) {
        self.volume = volume
        self.volumeID = volume.id
        self.volumes = volumes
        self.journal = journal
        self.size = UInt64(volume.size) * 1_073_741_824
        self.blockCount = Int(size / UInt64(Block.size))
    }

    /// A write's payload arrives in block-sized arrays, which become cached blocks as they are.
    var pieceSize: Int { Block.size }

    func readPieces(offset: UInt64, length: Int) throws -> [ArraySlice<UInt8>] {
        try state.withLock { state in
            let first = Int(offset) / Block.size
            let last = max(first, (Int(offset) + max(length, 1) - 1) / Block.size)
            fetchMissing(first...last, in: &state)
            // Read-ahead in batches: once the blocks fetched ahead run below half the window,
            // the rest of the window is fetched together.
            let halfway = min(last + Self.readAhead / 2, blockCount - 1)
            if offset == state.lastReadEnd, last + 1 < blockCount, state.blocks[halfway]?.bytes == nil, state.fetches[halfway] == nil {
                fetchMissing((last + 1)...min(last + Self.readAhead, blockCount - 1), in: &state)
            }
            state.lastReadEnd = offset + UInt64(length)
            var output: [ArraySlice<UInt8>] = []
            try Self.pieces(offset: Int(offset), length: length) { index, within, take, _ in
                let block = try self.block(index, in: &state)
                output.append(block[within..<within + take])
            }
            self.dropStrayFetches(nextRead: last + 1, in: &state)
            self.evict(&state)
            return output
        }
    }

    func write(offset: UInt64, pieces: [[UInt8]]) throws {
        try state.withLock { state in
            var position = Int(offset)
            for piece in pieces {
                let start = position
                try change(offset: start, length: piece.count, in: &state) { source, count in piece[(source - start)..<(source - start + count)] }
                position += piece.count
            }
            try settle(&state)
        }
    }

    func flush() throws {
        try state.withLock { state in try self.flushChanges(&state) }
    }

    func trim(offset: UInt64, length: Int) throws {
        try writeZeroes(offset: offset, length: length)
    }

    func writeZeroes(offset: UInt64, length: Int) throws {
        try state.withLock { state in
            try change(offset: Int(offset), length: length, in: &state) { _, count in Self.zeroBlock[0..<count] }
            try settle(&state)
        }
    }

    /// The blocks whose encoding started ahead of the next flush, in order.
    var blocksEncodingAhead: [Int] {
        state.withLock { $0.encodings.keys.sorted() }
    }

    /// Stores every changed block, durably, and empties the journal: the volume's block map
    /// then holds everything written so far. A snapshot of a served volume waits for this.
    func checkpoint() throws {
        try state.withLock { state in try self.checkpoint(&state) }
    }

    /// A checkpoint, then the journal's file removed: for a disk that is going away.
    func close() throws {
        try checkpoint()
        if let journal { try? FileManager.default.removeItem(atPath: journal.path) }
    }

    /// Replaces `length` bytes from `offset` with what `content` gives for each block-sized
    /// piece (its position on the disk and its length), in the cache. A piece that covers a
    /// block whole and is a whole array becomes the block's bytes without a copy.
    private func change(offset: Int, length: Int, in state: inout State, content: (Int, Int) -> ArraySlice<UInt8>) throws {
        try Self.pieces(offset: offset, length: length) { index, within, take, position in
            let whole = take == Block.size
            if !whole, journal == nil, state.blocks[index]?.bytes == nil, state.fetches[index] == nil {
                state.fetches[index] = fetch(index)  // stored at the next flush: fetch it now
            }
            let patches = state.update(index) { entry in
                if whole { entry.overwrite(with: Array(content(position, take))) } else { entry.write(content(position, take), at: within) }
                return entry.patches.count
            }
            if patches >= Self.patchLimit { _ = try self.block(index, in: &state) }
            // Bytes written whole, or made whole by the patches, need no stored bytes.
            if state.blocks[index]?.bytes != nil { state.fetches[index] = nil }
            if within + take == Block.size { self.encodeAhead(index, in: &state) }
        }
    }

    /// What follows a request's changes: a destage of the blocks encoded ahead when enough
    /// are ready, a checkpoint when changed blocks hold too much memory, and the eviction of
    /// clean blocks past the cache's size.
    private func settle(_ state: inout State) throws {
        destageIfReady(&state)
        if state.dirtyMemory >= Self.dirtyMemoryLimit { try checkpoint(&state) }
        evict(&state)
    }

    /// Calls `body` for each block-sized piece of a range: the block's index, where the
    /// piece starts in it, its length, and its position on the disk.
    private static func pieces(offset: Int, length: Int, _ body: (Int, Int, Int, Int) throws -> Void) throws {
        var position = offset
        while position < offset + length {
            let index = position / Block.size
            let within = position % Block.size
            let take = min(Block.size - within, offset + length - position)
            try body(index, within, take, position)
            position += take
        }
    }
}

extension VolumeExport {
    /// Block `index`, from the cache, else once its fetch arrives (with any patches waiting
    /// for it applied), then cached.
    func block(_ index: Int, in state: inout State) throws -> [UInt8] {
        if let bytes = state.update(index, { $0.bytes }) { return bytes }
        let fetch = state.fetches.removeValue(forKey: index) ?? self.fetch(index)
        let stored = try fetch.bytes()
        return state.update(index) { entry in
            entry.receive(stored)
            return entry.bytes ?? stored
        }
    }

    /// Starts fetching block `index` from the block store.
    private func fetch(_ index: Int) -> BlockFetch {
        let volume = self.volume
        let volumes = self.volumes
        return BlockFetch { try await volumes.readDeviceBlock(volume, index: index) }
    }

    /// Starts fetching each block of `indexes` that has neither bytes in the cache nor a fetch
    /// on its way. Several are fetched together: their map entries in one read, their bytes
    /// in parallel; each still gets a fetch of its own, delivered as soon as its bytes are read.
    func fetchMissing(_ indexes: some Sequence<Int>, in state: inout State) {
        let missing = indexes.filter { state.blocks[$0]?.bytes == nil && state.fetches[$0] == nil }
        guard missing.count > 1 else {
            for index in missing { state.fetches[index] = fetch(index) }
            return
        }
        let volume = self.volume
        let volumes = self.volumes
        let fetches = Dictionary(uniqueKeysWithValues: missing.map { ($0, BlockFetch()) })
        Task {
            do {
                try await volumes.readDeviceBlocks(volume, indexes: missing) { index, bytes in fetches[index]?.deliver(.success(bytes)) }
            } catch {
                for fetch in fetches.values { fetch.deliver(.failure(error)) }  // only the first delivery counts
            }
        }
        for (index, fetch) in fetches { state.fetches[index] = fetch }
    }

    /// Forgets the read-ahead fetches that the reads have moved away from: those outside the
    /// read-ahead window past `nextRead`, of blocks no write waits for.
    private func dropStrayFetches(nextRead: Int, in state: inout State) {
        let window = nextRead..<(nextRead + Self.readAhead)
        let strays = state.fetches.keys.filter { state.blocks[$0] == nil && !window.contains($0) }
        for index in strays { state.fetches[index] = nil }
    }

    /// Drops the least recently used clean blocks beyond the cache's size.
    private func evict(_ state: inout State) {
        let clean = state.blocks.filter { !$0.value.dirty }
        guard clean.count > Self.cachedBlocks else { return }
        let oldest = clean.sorted { $0.value.lastUse < $1.value.lastUse }.prefix(clean.count - Self.cachedBlocks)
        for (index, _) in oldest { state.drop(index) }
    }
}
