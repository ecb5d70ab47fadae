/// A run of a file's blocks: `length` file-system blocks from `physical`, at file block `logical`.
struct Ext4Extent: Sendable, Equatable {
    var logical: Int
    var physical: Int
    var length: Int
    /// Unwritten (preallocated) extents read as zeros.
    var unwritten: Bool

    /// The magic number of an extent node's header.
    static let headerMagic = 0xF30A
    /// Leaf lengths above this mark an unwritten extent.
    static let initializedMaximum = 32_768
}
