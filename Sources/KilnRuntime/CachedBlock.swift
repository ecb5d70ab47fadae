import KilnCore

/// One block of a volume export's cache.
///
/// A block whose stored bytes are still on their way has no `bytes` yet: the writes made to
/// it meanwhile wait in `patches`, in order, and land on the stored bytes when they arrive.
/// So a small write to a block that is not cached returns at once, without reading the
/// whole block first.
struct CachedBlock: Sendable {
    /// A write that waits for its block's stored bytes.
    struct Patch: Sendable {
        /// Where the write starts within the block.
        var within: Int
        /// What it writes.
        var bytes: [UInt8]
    }

    /// The block's bytes, or nil while its stored bytes are being fetched.
    var bytes: [UInt8]?
    /// The writes made while `bytes` is nil, oldest first.
    var patches: [Patch] = []
    /// Whether the block differs from what the volume stores.
    var dirty: Bool
    /// When the block was last used, on the cache's own clock.
    var lastUse: Int

    /// A block waiting for its stored bytes, with no write yet.
    static func awaitingFetch(lastUse: Int) -> CachedBlock {
        CachedBlock(bytes: nil, dirty: false, lastUse: lastUse)
    }

    /// Writes `piece` at `within`: into the bytes when they are here, else as a patch.
    mutating func write(_ piece: ArraySlice<UInt8>, at within: Int) {
        if var bytes {
            self.bytes = nil  // keeps `bytes` the only reference, so the change below copies nothing
            bytes.replaceSubrange(within..<within + piece.count, with: piece)
            self.bytes = bytes
        } else {
            patches.append(Patch(within: within, bytes: Array(piece)))
        }
        dirty = true
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
