import KilnCore

/// The block store's index: which pack holds each stored block, the packs themselves, and the
/// wrapped data keys of encrypted domains.
///
/// The block store owns this port and the metadata store implements it, in the same database
/// as the snapshot and volume maps that refer to blocks: garbage collection must read the
/// index and the references in one consistent view.
package protocol BlockIndex: Sendable {
    /// Where a stored block is, if the domain holds it.
    func indexedBlock(_ id: BlockID, domain: String) async throws -> IndexedBlock?
    /// Records a durable pack and the blocks in it, in one transaction.
    func indexPack(_ pack: PackRecord, blocks: [IndexedBlock]) async throws
    /// Every indexed block, pack by pack, and every pack, as of one moment.
    func contents() async throws -> BlockIndexContents
    /// ``contents()`` with every block that a snapshot or volume map refers to, with the map
    /// owner's domain, all as of one moment.
    func contentsAndReferences() async throws -> (contents: BlockIndexContents, referenced: [(domain: String, id: BlockID)])
    /// In one transaction, forgets `removed` and the packs named in `deletedPacks`, then
    /// records `added` and its blocks when given: a sweep, or a rewrite that moved blocks.
    func replace(_ removed: [IndexedBlock], deletedPacks: [String], adding added: (pack: PackRecord, blocks: [IndexedBlock])?) async throws
    /// The wrapped data key of an encryption domain; records `proposed` first when the domain
    /// has none, so that of two concurrent first uses one key wins.
    func wrappedDomainKey(_ domain: String, proposing proposed: [UInt8]) async throws -> [UInt8]
    /// The wrapped data key of an encryption domain, if it has one yet.
    func wrappedDomainKey(_ domain: String) async throws -> [UInt8]?
    /// The snapshot and volume blocks that refer to a stored block, at most `limit`.
    func holders(of id: BlockID, domain: String, limit: Int) async throws -> [BlockHolder]
}

/// What the index holds at one moment.
package struct BlockIndexContents: Sendable {
    /// Every indexed block, pack by pack.
    package var blocks: [IndexedBlock]
    /// Every pack.
    package var packs: [PackRecord]

    package init(blocks: [IndexedBlock], packs: [PackRecord]) {
        self.blocks = blocks
        self.packs = packs
    }
}
