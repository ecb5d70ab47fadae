import Foundation
import KilnCore
import KilnNBD
import Synchronization

/// A Kiln volume served as a machine's disk, with a write-back cache of whole blocks.
///
/// Writes change cached 512 KiB blocks; a flush (or a full cache) stores the changed blocks
/// in the block store and their entries in one transaction, as a disk's write cache reaches
/// its platters. So what the guest flushed is durable, and a snapshot of the volume holds
/// exactly that: AWS's crash-consistent promise.
///
/// Stored blocks are fetched by tasks of their own, so that the guest rarely waits for one:
///
/// - a sequential read starts fetching the blocks past it (read-ahead) before it returns,
///   and the next read finds them fetched or on their way;
/// - a small write to a block that is not cached starts its fetch and returns at once; the
///   write waits as a patch (see ``CachedBlock``) and lands when the block arrives, at the
///   latest at the next flush. As with a disk's write cache, a block that cannot be read
///   fails the flush, and the guest learns of it there.
///
/// Invariant: a block has a fetch in ``State/fetches`` only while it has no bytes in the
/// cache, and a cached block without bytes has a fetch unless its last one failed.
final class VolumeExport: NBDExport {
    /// The unchanged blocks a cache keeps (16 MiB), least recently used first out.
    static let cachedBlocks = 32
    /// The changed blocks a cache holds (64 MiB) before it writes them back unasked. A guest
    /// flushes long before that in ordinary use (ext4 commits every 5 s); the room lets
    /// small random writes gather, since each changed block costs a whole block's hash and
    /// compression when written back.
    static let dirtyBlocks = 128
    /// The blocks fetched ahead of a sequential read (4 MiB).
    static let readAhead = 8
    /// The patches a block gathers before a write waits for its stored bytes.
    static let patchLimit = 256

    struct State {
        var blocks: [Int: CachedBlock] = [:]
        /// The fetches on their way, by block index.
        var fetches: [Int: Task<[UInt8], any Error>] = [:]
        var clock = 0
        var dirtyCount = 0
        /// Where the last read ended: a read that starts there is sequential.
        var lastReadEnd: UInt64 = .max
    }

    let volumeID: String
    let size: UInt64
    private let blockCount: Int
    private let volume: Volume
    private let volumes: VolumeService
    private let state = Mutex(State())
    private static let zeroBlock = [UInt8](repeating: 0, count: Block.size)

    /// The export of `volume`, reading and writing through `volumes`.
    init(volume: Volume, volumes: VolumeService) {
        self.volume = volume
        self.volumeID = volume.id
        self.volumes = volumes
        self.size = UInt64(volume.size) * 1_073_741_824
        self.blockCount = Int(size / UInt64(Block.size))
    }

    func read(offset: UInt64, length: Int) throws -> [UInt8] {
        try state.withLock { state in
            let first = Int(offset) / Block.size
            let last = max(first, (Int(offset) + max(length, 1) - 1) / Block.size)
            fetchMissing(first...last, in: &state)
            if offset == state.lastReadEnd, last + 1 < blockCount {
                fetchMissing((last + 1)...min(last + Self.readAhead, blockCount - 1), in: &state)
            }
            state.lastReadEnd = offset + UInt64(length)
            var output: [UInt8] = []
            output.reserveCapacity(length)
            try Self.pieces(offset: Int(offset), length: length) { index, within, take, _ in
                let block = try self.block(index, in: &state)
                output.append(contentsOf: block[within..<within + take])
            }
            self.dropStrayFetches(nextRead: last + 1, in: &state)
            self.evict(&state)
            return output
        }
    }

    func write(offset: UInt64, bytes: [UInt8]) throws {
        try change(offset: Int(offset), length: bytes.count) { source, count in
            let start = source - Int(offset)
            return bytes[start..<start + count]
        }
    }

    func flush() throws {
        try state.withLock { state in try self.writeBack(&state) }
    }

    func trim(offset: UInt64, length: Int) throws {
        try writeZeroes(offset: offset, length: length)
    }

    func writeZeroes(offset: UInt64, length: Int) throws {
        try change(offset: Int(offset), length: length) { _, count in Self.zeroBlock[0..<count] }
    }

    /// Replaces `length` bytes from `offset` with what `content` gives for each piece (its
    /// position on the disk and its length), in the cache.
    private func change(offset: Int, length: Int, content: (Int, Int) -> ArraySlice<UInt8>) throws {
        try state.withLock { state in
            try Self.pieces(offset: offset, length: length) { index, within, take, position in
                state.clock += 1
                var entry = state.blocks[index] ?? .awaitingFetch(lastUse: state.clock)
                if !entry.dirty { state.dirtyCount += 1 }
                if take == Block.size {
                    entry = CachedBlock(bytes: Array(content(position, take)), dirty: true, lastUse: state.clock)
                    state.fetches.removeValue(forKey: index)?.cancel()
                } else {
                    if entry.bytes == nil, state.fetches[index] == nil { state.fetches[index] = fetch(index) }
                    entry.write(content(position, take), at: within)
                    entry.lastUse = state.clock
                }
                state.blocks[index] = entry
                if entry.patches.count >= Self.patchLimit { _ = try self.block(index, in: &state) }
            }
            if state.dirtyCount >= Self.dirtyBlocks { try self.writeBack(&state) }
            self.evict(&state)
        }
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
    private func block(_ index: Int, in state: inout State) throws -> [UInt8] {
        state.clock += 1
        if let bytes = state.blocks[index]?.bytes {
            state.blocks[index]?.lastUse = state.clock
            return bytes
        }
        let fetch = state.fetches.removeValue(forKey: index) ?? self.fetch(index)
        let stored = try Blocking.run { try await fetch.value }
        let waiting = state.blocks[index]
        let bytes = CachedBlock.merging(waiting?.patches ?? [], onto: stored)
        state.blocks[index] = CachedBlock(bytes: bytes, dirty: waiting?.dirty ?? false, lastUse: state.clock)
        return bytes
    }

    /// Starts fetching block `index` from the block store.
    private func fetch(_ index: Int) -> Task<[UInt8], any Error> {
        let volume = self.volume
        let volumes = self.volumes
        return Task { try await volumes.readDeviceBlock(volume, index: index) }
    }

    /// Starts fetching each block of `indexes` that has neither bytes in the cache nor a fetch
    /// on its way; the fetches run in parallel.
    private func fetchMissing(_ indexes: ClosedRange<Int>, in state: inout State) {
        for index in indexes where state.blocks[index]?.bytes == nil && state.fetches[index] == nil {
            state.fetches[index] = fetch(index)
        }
    }

    /// Cancels the read-ahead fetches that the reads have moved away from: those outside the
    /// read-ahead window past `nextRead`, of blocks no write waits for.
    private func dropStrayFetches(nextRead: Int, in state: inout State) {
        let window = nextRead..<(nextRead + Self.readAhead)
        let strays = state.fetches.keys.filter { state.blocks[$0] == nil && !window.contains($0) }
        for index in strays { state.fetches.removeValue(forKey: index)?.cancel() }
    }

    /// Stores every changed block, durably, in one commit: the blocks still waiting for their
    /// stored bytes first receive them (their fetches already run in parallel).
    private func writeBack(_ state: inout State) throws {
        let waiting = state.blocks.keys.filter { state.blocks[$0]?.bytes == nil }
        for index in waiting { _ = try block(index, in: &state) }
        let changed = state.blocks.compactMap { index, entry -> (index: Int, bytes: [UInt8])? in
            guard entry.dirty, let bytes = entry.bytes else { return nil }
            return (index, bytes)
        }
        .sorted { $0.index < $1.index }
        guard !changed.isEmpty else { return }
        let volume = self.volume
        let volumes = self.volumes
        try Blocking.run { try await volumes.commitDeviceBlocks(volume, changed) }
        for (index, _) in changed { state.blocks[index]?.dirty = false }
        state.dirtyCount = 0
    }

    /// Drops the least recently used clean blocks beyond the cache's size.
    private func evict(_ state: inout State) {
        let cleanCount = state.blocks.count - state.dirtyCount
        guard cleanCount > Self.cachedBlocks else { return }
        let clean = state.blocks.filter { !$0.value.dirty }.sorted { $0.value.lastUse < $1.value.lastUse }
        for (index, _) in clean.prefix(cleanCount - Self.cachedBlocks) { state.blocks[index] = nil }
    }
}
