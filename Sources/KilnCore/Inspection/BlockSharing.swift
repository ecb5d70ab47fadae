/// How a volume's blocks are shared: with the snapshot it is incremental to, with the other
/// images of its account, or with nothing (unique: what the image alone pays for).
package struct BlockSharing: Sendable, Codable, Equatable {
    /// Blocks that hold data.
    package var blocks: Int
    /// Blocks in no other snapshot the sharing was measured against.
    package var uniqueBlocks: Int
    /// Blocks the parent snapshot also holds.
    package var sharedWithParent: Int
    /// Blocks that another image of the account also holds.
    package var sharedWithOtherImages: Int
    /// ``uniqueBlocks`` in bytes.
    package var uniqueBytes: Int64
    /// The snapshot this one is incremental to, if it still exists.
    package var parentSnapshotId: String?
}
