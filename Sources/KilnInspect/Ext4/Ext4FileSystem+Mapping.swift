/// Where a file's blocks are: its extent tree, or the block pointers of ext2 and ext3.
extension Ext4FileSystem {
    /// The extents of an inode's data, in file order.
    func extents(of inode: Ext4Inode) async throws -> [Ext4Extent] {
        if inode.usesExtents {
            var found: [Ext4Extent] = []
            try await walkExtentNode(inode.blockField, inode: inode.number, depth: 0, into: &found)
            return found.sorted { $0.logical < $1.logical }
        }
        return try await pointerExtents(of: inode)
    }

    /// Adds the leaves under one node of an extent tree.
    private func walkExtentNode(_ node: [UInt8], inode: Int, depth: Int, into found: inout [Ext4Extent]) async throws {
        guard node.u16(0) == Ext4Extent.headerMagic, depth <= Self.maximumDepth else { throw Ext4Error.badExtent(inode) }
        let count = node.u16(2)
        let level = node.u16(6)
        guard 12 + count * 12 <= node.count else { throw Ext4Error.badExtent(inode) }
        for index in 0..<count {
            let entry = 12 + index * 12
            if level == 0 {
                var length = node.u16(entry + 4)
                let unwritten = length > Ext4Extent.initializedMaximum
                if unwritten { length -= Ext4Extent.initializedMaximum }
                let physical = node.u32(entry + 8) | node.u16(entry + 6) << 32
                found.append(Ext4Extent(logical: node.u32(entry), physical: physical, length: length, unwritten: unwritten))
            } else {
                let child = node.u32(entry + 4) | node.u16(entry + 8) << 32
                guard child > 0, child < superblock.blockCount else { throw Ext4Error.badExtent(inode) }
                let bytes = try await source.read(offset: child * superblock.blockSize, length: superblock.blockSize)
                try await walkExtentNode(bytes, inode: inode, depth: depth + 1, into: &found)
            }
        }
    }

    /// The blocks of an inode that uses direct and indirect pointers, as runs.
    private func pointerExtents(of inode: Ext4Inode) async throws -> [Ext4Extent] {
        let blockSize = superblock.blockSize
        let wanted = (inode.size + blockSize - 1) / blockSize
        var pointers: [Int] = []
        for slot in 0..<12 where pointers.count < wanted { pointers.append(inode.blockField.u32(slot * 4)) }
        for (slot, depth) in [(12, 1), (13, 2), (14, 3)] where pointers.count < wanted {
            try await appendIndirect(inode.blockField.u32(slot * 4), depth: depth, wanted: wanted, inode: inode.number, into: &pointers)
        }
        var runs: [Ext4Extent] = []
        for (logical, physical) in pointers.enumerated() where physical != 0 {
            if var last = runs.last, last.logical + last.length == logical, last.physical + last.length == physical {
                last.length += 1
                runs[runs.count - 1] = last
            } else {
                runs.append(Ext4Extent(logical: logical, physical: physical, length: 1, unwritten: false))
            }
        }
        return runs
    }

    /// Adds the pointers under an indirect block; a zero block is a hole of the size it covers.
    private func appendIndirect(_ block: Int, depth: Int, wanted: Int, inode: Int, into pointers: inout [Int]) async throws {
        let perBlock = superblock.blockSize / 4
        var covered = 1
        for _ in 0..<depth { covered *= perBlock }
        guard block != 0 else {
            pointers += [Int](repeating: 0, count: min(covered, wanted - pointers.count))
            return
        }
        guard block < superblock.blockCount else { throw Ext4Error.badExtent(inode) }
        let bytes = try await source.read(offset: block * superblock.blockSize, length: superblock.blockSize)
        for index in 0..<perBlock where pointers.count < wanted {
            if depth == 1 {
                pointers.append(bytes.u32(index * 4))
            } else {
                try await appendIndirect(bytes.u32(index * 4), depth: depth - 1, wanted: wanted, inode: inode, into: &pointers)
            }
        }
    }
}
