/// The fields of an ext2/3/4 superblock the reader needs.
package struct Ext4Superblock: Sendable, Equatable {
    /// Where the superblock lives in the file system: 1024 bytes in.
    static let offset = 1024
    /// `s_magic`.
    static let magic = 0xEF53

    package var blockSize: Int
    package var blockCount: Int
    package var freeBlockCount: Int
    package var inodeCount: Int
    package var inodesPerGroup: Int
    package var blocksPerGroup: Int
    package var firstDataBlock: Int
    package var inodeSize: Int
    /// Bytes per group descriptor: 32, or `s_desc_size` with the 64bit feature.
    package var descriptorSize: Int
    package var incompatibleFeatures: Int
    package var volumeName: String
    /// Whether the has_journal compatible feature is set.
    package var hasJournal: Bool

    /// The 64bit incompatible feature: block numbers and descriptors are wider.
    static let feature64Bit = 0x80
    /// The extents incompatible feature.
    static let featureExtents = 0x40

    /// Parses the 1024 bytes of a superblock; `nil` if they are not one.
    init?(_ bytes: [UInt8]) {
        guard bytes.count >= 1024, bytes.u16(0x38) == Self.magic else { return nil }
        let logBlockSize = bytes.u32(0x18)
        guard logBlockSize <= 6 else { return nil }
        blockSize = 1024 << logBlockSize
        incompatibleFeatures = bytes.u32(0x60)
        hasJournal = bytes.u32(0x5C) & 0x4 != 0
        let wide = incompatibleFeatures & Self.feature64Bit != 0
        blockCount = bytes.u32(0x04) | (wide ? bytes.u32(0x150) << 32 : 0)
        freeBlockCount = bytes.u32(0x0C) | (wide ? bytes.u32(0x158) << 32 : 0)
        inodeCount = bytes.u32(0x00)
        firstDataBlock = bytes.u32(0x14)
        blocksPerGroup = bytes.u32(0x20)
        inodesPerGroup = bytes.u32(0x28)
        let revision = bytes.u32(0x4C)
        inodeSize = revision == 0 ? 128 : bytes.u16(0x58)
        descriptorSize = wide ? max(32, bytes.u16(0xFE)) : 32
        let label = bytes[0x78..<0x88].prefix { $0 != 0 }
        volumeName = String(decoding: label, as: UTF8.self)
        guard blocksPerGroup > 0, inodesPerGroup > 0, inodeSize >= 128, blockCount > 0 else { return nil }
    }

    /// The number of block groups.
    var groupCount: Int {
        (blockCount - firstDataBlock + blocksPerGroup - 1) / blocksPerGroup
    }
}
