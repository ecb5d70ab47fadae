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
final class VolumeExport: NBDExport {
    /// The unchanged blocks a cache keeps (16 MiB), least recently used first out.
    static let cachedBlocks = 32
    /// The changed blocks a cache holds (64 MiB) before it writes them back unasked. A guest
    /// flushes long before that in ordinary use (ext4 commits every 5 s); the room lets
    /// small random writes gather, since each changed block costs a whole block's hash and
    /// compression when written back.
    static let dirtyBlocks = 128

    struct Cached {
        var bytes: [UInt8]
        var dirty: Bool
        var lastUse: Int
    }

    struct State {
        var blocks: [Int: Cached] = [:]
        var clock = 0
        var dirtyCount = 0
        /// Where the last read ended: a read that starts there is sequential.
        var lastReadEnd: UInt64 = .max
    }

    /// The blocks read ahead, in parallel, past a sequential read.
    static let readAhead = 4

    let volumeID: String
    let size: UInt64
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
    }

    func read(offset: UInt64, length: Int) throws -> [UInt8] {
        try state.withLock { state in
            let first = Int(offset) / Block.size
            var last = (Int(offset) + max(length, 1) - 1) / Block.size
            if offset == state.lastReadEnd { last = min(last + Self.readAhead, Int(size / UInt64(Block.size)) - 1) }
            state.lastReadEnd = offset + UInt64(length)
            try load(Array(first...max(first, last)), into: &state)
            var output: [UInt8] = []
            output.reserveCapacity(length)
            try Self.pieces(offset: Int(offset), length: length) { index, within, take, _ in
                let block = try self.block(index, in: &state)
                output.append(contentsOf: block[within..<within + take])
            }
            try self.evict(&state)
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
                let piece = content(position, take)
                var block: [UInt8]
                if take == Block.size {
                    block = Array(piece)
                } else {
                    block = try self.block(index, in: &state)
                    block.replaceSubrange(within..<within + take, with: piece)
                }
                state.clock += 1
                if state.blocks[index]?.dirty != true { state.dirtyCount += 1 }
                state.blocks[index] = Cached(bytes: block, dirty: true, lastUse: state.clock)
            }
            if state.dirtyCount >= Self.dirtyBlocks { try self.writeBack(&state) }
            try self.evict(&state)
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

    /// Block `index`, from the cache or else from the block store (then cached).
    private func block(_ index: Int, in state: inout State) throws -> [UInt8] {
        state.clock += 1
        if var cached = state.blocks[index] {
            cached.lastUse = state.clock
            state.blocks[index] = cached
            return cached.bytes
        }
        let volume = self.volume
        let volumes = self.volumes
        let bytes = try Blocking.run { try await volumes.readDeviceBlock(volume, index: index) }
        state.blocks[index] = Cached(bytes: bytes, dirty: false, lastUse: state.clock)
        return bytes
    }

    /// Reads the blocks of `indexes` that the cache lacks from the block store, in parallel.
    private func load(_ indexes: [Int], into state: inout State) throws {
        let missing = indexes.filter { state.blocks[$0] == nil }
        guard missing.count > 1 else { return }
        let volume = self.volume
        let volumes = self.volumes
        let fetched = try Blocking.run {
            try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
                for index in missing {
                    group.addTask { (index, try await volumes.readDeviceBlock(volume, index: index)) }
                }
                var fetched: [(Int, [UInt8])] = []
                for try await block in group { fetched.append(block) }
                return fetched
            }
        }
        for (index, bytes) in fetched {
            state.clock += 1
            state.blocks[index] = Cached(bytes: bytes, dirty: false, lastUse: state.clock)
        }
    }

    /// Stores every changed block, durably, in one commit.
    private func writeBack(_ state: inout State) throws {
        let changed = state.blocks.filter(\.value.dirty).map { (index: $0.key, bytes: $0.value.bytes) }.sorted { $0.index < $1.index }
        guard !changed.isEmpty else { return }
        let volume = self.volume
        let volumes = self.volumes
        try Blocking.run { try await volumes.commitDeviceBlocks(volume, changed) }
        for (index, _) in changed { state.blocks[index]?.dirty = false }
        state.dirtyCount = 0
    }

    /// Drops the least recently used clean blocks beyond the cache's size.
    private func evict(_ state: inout State) throws {
        let cleanCount = state.blocks.count - state.dirtyCount
        guard cleanCount > Self.cachedBlocks else { return }
        let clean = state.blocks.filter { !$0.value.dirty }.sorted { $0.value.lastUse < $1.value.lastUse }
        for (index, _) in clean.prefix(cleanCount - Self.cachedBlocks) { state.blocks[index] = nil }
    }
}
