/// A file found in a file system: its path, what it is, and its sizes.
package struct FileRecord: Sendable, Equatable {
    /// Absolute, from the file system's root.
    package var path: String
    package var inode: Ext4Inode
    /// Bytes the file's blocks take on disk.
    package var allocatedBytes: Int

    package var size: Int { inode.size }
}
