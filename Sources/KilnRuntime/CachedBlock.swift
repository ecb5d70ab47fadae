import KilnCore

/// One block of a volume export's cache.
///
/// A block whose stored bytes are not here has no `bytes`: the writes made to it meanwhile
/// wait in `patches`, in order, and land on the stored bytes when they arrive. So a small
/// write to a block that is not cached returns at once, without reading the whole block.
///
/// The writes since the last flush also wait in `unjournaled`, for the flush to put them in
/// the volume's journal (or to store the block); `journaled` says that the journal holds
/// writes of the block that are not stored yet.
struct CachedBlock: Sendable {
    /// A write to the block.
    struct Patch: Sendable {
        /// Where the write starts within the block.
        var within: Int
        /// What it writes.
        var bytes: [UInt8]
    }

    /// The block's bytes, or nil while its stored bytes are not here.
    var bytes: [UInt8]?
    /// The writes made while `bytes` is nil, oldest first.
    var patches: [Patch] = []
    /// How far from the block's start `patches` cover it without a gap. Once they cover it
    /// all, the stored bytes no longer matter: the patches alone make `bytes`.
    var patchedPrefix = 0
    /// Whether the block differs from what the volume stores.
    var dirty: Bool
    /// The writes since the last flush, oldest first.
    var unjournaled: [Patch] = []
    /// How many bytes `unjournaled` writes, counting overlaps again.
    var unjournaledBytes = 0
    /// Whether the journal holds writes of the block that the volume does not store yet.
    var journaled = false
    /// When the block was last used, on the cache's own clock.
    var lastUse: Int
    /// How many writes the block has had: an encoding of its bytes made at one count holds
    /// for the block while the count stays the same.
    var version = 0

    /// A block waiting for its stored bytes, with no write yet.
    static func awaitingFetch(lastUse: Int) -> CachedBlock {
        CachedBlock(bytes: nil, dirty: false, lastUse: lastUse)
    }

    /// The memory the block's changes hold until they are stored: the whole block once its
    /// bytes are here, else its patches. A clean block holds none (the cache may drop it).
    var dirtyMemory: Int {
        guard dirty else { return 0 }
        return bytes == nil ? patches.reduce(0) { $0 + $1.bytes.count } : Block.size
    }

    /// Writes `piece` at `within`: into the bytes when they are here, else as a patch.
    mutating func write(_ piece: ArraySlice<UInt8>, at within: Int) {
        let patch = Patch(within: within, bytes: Array(piece))
        if var bytes {
            self.bytes = nil  // keeps `bytes` the only reference, so the change below copies nothing
            bytes.replaceSubrange(within..<within + piece.count, with: piece)
            self.bytes = bytes
        } else {
            patches.append(patch)
            if within <= patchedPrefix { patchedPrefix = max(patchedPrefix, within + piece.count) }
            if patchedPrefix == Block.size { receive(Self.zeroBlock) }
        }
        unjournaled.append(patch)
        unjournaledBytes += piece.count
        dirty = true
        version += 1
    }

    /// Replaces the whole block with `content`; earlier writes no longer matter, but the
    /// journal may still hold some.
    mutating func overwrite(with content: [UInt8]) {
        bytes = content
        patches = []
        patchedPrefix = 0
        unjournaled = [Patch(within: 0, bytes: content)]
        unjournaledBytes = content.count
        dirty = true
        version += 1
    }

    /// Whether the next flush stores the whole block rather than journaling its writes: it
    /// has no writes in the journal, and the writes since it was stored cover at least half
    /// of it (a sequential write, mostly).
    var storedWholeAtFlush: Bool {
        !journaled && unjournaledBytes >= Block.size / 2
    }

    /// Takes the stored bytes that arrived: the patches land on them, in order.
    mutating func receive(_ stored: [UInt8]) {
        bytes = Self.merging(patches, onto: stored)
        patches = []
        patchedPrefix = 0
    }

    private static let zeroBlock = [UInt8](repeating: 0, count: Block.size)

    /// Records that the volume now stores the block as it is here.
    mutating func markStored() {
        dirty = false
        unjournaled = []
        unjournaledBytes = 0
        journaled = false
    }

    /// The block's bytes once `stored` (the bytes the volume holds) has arrived: the patches
    /// applied in order over it.
    static func merging(_ patches: [Patch], onto stored: [UInt8]) -> [UInt8] {
        var bytes = stored
        for patch in patches {
            bytes.replaceSubrange(patch.within..<patch.within + patch.bytes.count, with: patch.bytes)
        }
        return bytes
    }
}
