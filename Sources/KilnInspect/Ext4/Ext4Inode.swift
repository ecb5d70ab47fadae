/// The fields of an inode the reader needs.
package struct Ext4Inode: Sendable, Equatable {
    /// What an inode is, from the top bits of its mode.
    package enum Kind: Sendable, Equatable {
        case file, directory, symlink, other
    }

    package var number: Int
    package var mode: Int
    package var size: Int
    package var flags: Int
    /// `i_block`: the extent tree's root, block pointers, inline data or a short symlink's target.
    package var blockField: [UInt8]
    /// Blocks the inode holds, in file-system blocks.
    package var allocatedBlocks: Int

    /// Whether `i_block` holds an extent tree.
    static let extentsFlag = 0x80000
    /// Whether the data is inline in the inode.
    static let inlineDataFlag = 0x1000_0000
    /// `i_blocks` counts file-system blocks, not 512-byte sectors.
    static let hugeFileFlag = 0x40000

    /// Parses an inode record.
    init(number: Int, _ bytes: [UInt8], blockSize: Int) {
        self.number = number
        mode = bytes.u16(0x00)
        size = bytes.u32(0x04) | bytes.u32(0x6C) << 32
        flags = bytes.u32(0x20)
        blockField = Array(bytes[0x28..<0x64])
        let count = bytes.u32(0x1C) | bytes.u16(0x74) << 32
        allocatedBlocks = flags & Self.hugeFileFlag != 0 ? count : count * 512 / blockSize
    }

    package var kind: Kind {
        switch mode & 0xF000 {
        case 0x8000: .file
        case 0x4000: .directory
        case 0xA000: .symlink
        default: .other
        }
    }

    var usesExtents: Bool { flags & Self.extentsFlag != 0 }
    var hasInlineData: Bool { flags & Self.inlineDataFlag != 0 }
}
