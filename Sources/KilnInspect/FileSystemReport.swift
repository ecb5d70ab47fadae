/// What one file system holds: its shape, its largest directories, and the findings.
package struct FileSystemReport: Sendable, Codable, Equatable {
    /// The partition it is on (0: the whole volume).
    package var partition: Int
    /// Where it starts on the volume.
    package var offset: Int
    /// `ext4`, `ext3` or `ext2`.
    package var type: String
    package var label: String
    package var blockSize: Int
    package var sizeBytes: Int
    /// Bytes in allocated blocks, as the superblock counts them.
    package var usedBytes: Int
    package var files: Int
    package var directories: Int
    /// The directories holding the most bytes, largest first.
    package var largestDirectories: [DirectorySize]
    package var findings: [Finding]
    /// What removing the package caches and logs would free.
    package var reclaimableBytes: Int
    /// Parts that could not be read.
    package var problems: [String]
}
