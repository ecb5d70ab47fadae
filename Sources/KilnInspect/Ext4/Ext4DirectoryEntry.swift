/// One name in a directory.
package struct Ext4DirectoryEntry: Sendable, Equatable {
    package var inode: Int
    package var name: String
    /// `file_type`: 1 regular, 2 directory, 7 symlink; 0 when the file system does not record it.
    package var fileType: Int

    /// The entries of a block of a linear (or hashed: its index nodes look empty) directory.
    static func parse(_ block: [UInt8]) -> [Ext4DirectoryEntry] {
        var entries: [Ext4DirectoryEntry] = []
        var offset = 0
        while offset + 8 <= block.count {
            let inode = block.u32(offset)
            let recordLength = block.u16(offset + 4)
            let nameLength = Int(block[offset + 6])
            guard recordLength >= 8, offset + recordLength <= block.count else { break }
            if inode != 0, nameLength > 0, offset + 8 + nameLength <= block.count {
                let name = String(decoding: block[(offset + 8)..<(offset + 8 + nameLength)], as: UTF8.self)
                if name != ".", name != ".." {
                    entries.append(Ext4DirectoryEntry(inode: inode, name: name, fileType: Int(block[offset + 7])))
                }
            }
            offset += recordLength
        }
        return entries
    }
}
