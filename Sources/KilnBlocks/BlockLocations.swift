import KilnCore
import Synchronization

/// Where recently read blocks are stored, so that reading a block again (a disk's read-ahead,
/// a restore) skips its index lookup.
///
/// A location read from here may be stale: garbage collection may have moved the block to a
/// new pack since. Stored packs never change, so the old location still holds the same
/// bytes until the old pack is deleted; a read from a deleted pack fails and is retried
/// from the index (see ``PackedBlockStore/storedBytes(of:)``). So a stale location never
/// yields wrong bytes.
final class BlockLocations: Sendable {
    struct Key: Hashable, Sendable {
        var domain: String
        var id: BlockID
    }

    /// The most locations kept (about 1.5 MiB); when full, the map starts again empty.
    static let capacity = 8192

    private let locations = Mutex<[Key: IndexedBlock]>([:])

    /// The location last recorded for block `id` of `domain`.
    func location(of id: BlockID, domain: String) -> IndexedBlock? {
        locations.withLock { $0[Key(domain: domain, id: id)] }
    }

    /// Records where `block` is stored.
    func record(_ block: IndexedBlock) {
        locations.withLock { locations in
            if locations.count >= Self.capacity { locations.removeAll(keepingCapacity: true) }
            locations[Key(domain: block.domain, id: block.id)] = block
        }
    }
}
