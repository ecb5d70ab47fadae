import KilnInspect

/// A snapshot's volume as bytes, read straight from the block store: unmapped blocks are
/// zeros, and recently read blocks are kept so that a file system's metadata, read a few
/// bytes at a time, costs one block read per 512 KiB.
struct SnapshotBytes: ByteSource {
    /// The snapshot read and the image inspected, if any, which a damaged block's error names.
    let snapshotID: String
    let imageID: String?
    let map: [Int: BlockEntry]
    let domain: EncryptionDomain
    let blocks: any BlockStore
    let size: Int
    let cache: BlockCache

    /// The bytes of snapshot `snapshotID` (of image `imageID`) of `volumeSize` GiB whose blocks are `entries`.
    init(snapshotID: String, imageID: String?, entries: [BlockEntry], volumeSize: Int, domain: EncryptionDomain, blocks: any BlockStore) {
        self.snapshotID = snapshotID
        self.imageID = imageID
        self.map = Dictionary(entries.map { ($0.index, $0) }, uniquingKeysWith: { _, last in last })
        self.domain = domain
        self.blocks = blocks
        self.size = volumeSize << 30
        self.cache = BlockCache(capacity: 64)
    }

    func read(offset: Int, length: Int) async throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: length)
        var position = max(0, offset)
        let end = min(offset + length, size)
        while position < end {
            let index = position / Block.size
            let within = position % Block.size
            let count = min(Block.size - within, end - position)
            if let entry = map[index], entry.id != .zero {
                let block = try await self.block(entry)
                let target = position - offset
                let available = min(count, max(0, block.count - within))
                bytes.replaceSubrange(target..<(target + available), with: block[within..<(within + available)])
            }
            position += count
        }
        return bytes
    }

    /// A block's plaintext, from the cache or the store.
    private func block(_ entry: BlockEntry) async throws -> [UInt8] {
        if let cached = await cache.block(entry.index) { return cached }
        let (snapshotID, imageID) = (self.snapshotID, self.imageID)
        let plaintext = try await blocks.read(entry.id, domain: domain) { cause in
            CloudError.damagedSnapshotBlock(snapshotID: snapshotID, imageID: imageID, index: entry.index, cause: cause)
        }
        await cache.keep(plaintext, at: entry.index)
        return plaintext
    }
}

/// The blocks a ``SnapshotBytes`` read last, up to a number; the oldest go first.
actor BlockCache {
    private let capacity: Int
    private var blocks: [Int: [UInt8]] = [:]
    private var order: [Int] = []

    init(capacity: Int) {
        self.capacity = capacity
    }

    func block(_ index: Int) -> [UInt8]? { blocks[index] }

    func keep(_ block: [UInt8], at index: Int) {
        guard blocks[index] == nil else { return }
        if order.count >= capacity {
            blocks[order.removeFirst()] = nil
        }
        blocks[index] = block
        order.append(index)
    }
}
