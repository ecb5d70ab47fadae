/// A read-only ext2, ext3 or ext4 file system: its superblock, group descriptors, inodes with
/// extent trees or block pointers, and directories.
///
/// It reads what it needs from its source as it goes; nothing is written, and a damaged
/// structure ends the read of that file or directory with ``Ext4Error``, not a crash.
package struct Ext4FileSystem: Sendable {
    package let source: any ByteSource
    package let superblock: Ext4Superblock
    /// The group descriptor table.
    let descriptors: [UInt8]

    /// The root directory's inode.
    package static let rootInode = 2
    /// How deep an extent tree may be.
    static let maximumDepth = 5

    /// Opens the file system of `source`; `nil` when it holds no ext2/3/4 superblock.
    package static func open(_ source: any ByteSource) async throws -> Ext4FileSystem? {
        guard source.size >= 2048,
            let superblock = Ext4Superblock(try await source.read(offset: Ext4Superblock.offset, length: 1024))
        else { return nil }
        let tableStart = (superblock.firstDataBlock + 1) * superblock.blockSize
        let length = superblock.groupCount * superblock.descriptorSize
        guard length <= 64 << 20 else { return nil }
        let descriptors = try await source.read(offset: tableStart, length: length)
        return Ext4FileSystem(source: source, superblock: superblock, descriptors: descriptors)
    }

    /// The inode numbered `number`.
    package func inode(_ number: Int) async throws -> Ext4Inode {
        guard number >= 1, number <= superblock.inodeCount else { throw Ext4Error.badInode(number) }
        let group = (number - 1) / superblock.inodesPerGroup
        let index = (number - 1) % superblock.inodesPerGroup
        let descriptor = group * superblock.descriptorSize
        var table = descriptors.u32(descriptor + 8)
        if superblock.descriptorSize >= 64 { table |= descriptors.u32(descriptor + 0x28) << 32 }
        guard table > 0, table < superblock.blockCount else { throw Ext4Error.badInode(number) }
        let offset = table * superblock.blockSize + index * superblock.inodeSize
        let bytes = try await source.read(offset: offset, length: max(128, min(superblock.inodeSize, 256)))
        return Ext4Inode(number: number, bytes, blockSize: superblock.blockSize)
    }

    /// The first `limit` bytes of a file's data (all of it by default); holes and unwritten
    /// extents read as zeros.
    package func contents(of inode: Ext4Inode, limit: Int = .max) async throws -> [UInt8] {
        let length = min(inode.size, limit)
        guard length > 0 else { return [] }
        if inode.hasInlineData || (inode.kind == .symlink && inode.size < 60 && !inode.usesExtents) {
            return Array(inode.blockField.prefix(length))
        }
        let blockSize = superblock.blockSize
        var data = [UInt8](repeating: 0, count: length)
        for extent in try await extents(of: inode) where !extent.unwritten {
            let start = extent.logical * blockSize
            guard start < length else { continue }
            let count = min(extent.length * blockSize, length - start)
            guard extent.physical + extent.length <= superblock.blockCount else { throw Ext4Error.badExtent(inode.number) }
            let bytes = try await source.read(offset: extent.physical * blockSize, length: count)
            data.replaceSubrange(start..<(start + count), with: bytes)
        }
        return data
    }

    /// The names in a directory.
    package func entries(of directory: Ext4Inode) async throws -> [Ext4DirectoryEntry] {
        guard directory.kind == .directory else { return [] }
        if directory.hasInlineData {
            // Inline directories start with the parent's inode number, then entries.
            return Ext4DirectoryEntry.parse(Array(directory.blockField.dropFirst(4)))
        }
        let data = try await contents(of: directory, limit: 256 << 20)
        var entries: [Ext4DirectoryEntry] = []
        var offset = 0
        while offset < data.count {
            entries += Ext4DirectoryEntry.parse(Array(data[offset..<min(offset + superblock.blockSize, data.count)]))
            offset += superblock.blockSize
        }
        return entries
    }
}

/// Why a structure of an ext file system could not be read.
package enum Ext4Error: Error, Equatable {
    case badInode(Int)
    case badExtent(Int)
}
