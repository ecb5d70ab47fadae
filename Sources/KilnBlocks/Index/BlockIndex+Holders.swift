import KilnCore

/// A snapshot or volume block that refers to a stored block.
package struct BlockHolder: Sendable, Equatable {
    /// The snapshot or volume id.
    package var owner: String
    /// The block's index in it.
    package var index: Int

    /// Names a holder.
    package init(owner: String, index: Int) {
        self.owner = owner
        self.index = index
    }
}

extension BlockIndex {
    /// The snapshot and volume blocks that refer to `id` in `domain`, at most `limit`; an index
    /// that cannot tell answers none.
    package func holders(of id: BlockID, domain: String, limit: Int) async throws -> [BlockHolder] { [] }
}
