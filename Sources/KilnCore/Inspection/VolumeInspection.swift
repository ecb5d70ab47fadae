import KilnInspect

/// What one of an image's volumes holds, read from its snapshot.
package struct VolumeInspection: Sendable, Codable, Equatable {
    /// The device it is mapped to; `nil` when a snapshot was inspected directly.
    package var deviceName: String?
    package var snapshotId: String
    /// The volume's size: what a restored volume would be.
    package var logicalBytes: Int64
    /// Bytes in blocks the snapshot maps (512 KiB each).
    package var mappedBytes: Int64
    /// Bytes in 4 KiB pages that are not all zeros: what a sparse export writes.
    package var nonZeroBytes: Int64
    /// What the mapped blocks take in the block store, compressed (and sealed).
    package var compressedBytes: Int64
    package var sharing: BlockSharing
    /// The partition table and each file system read.
    package var layout: DiskInspection
    /// Secrets found in the bytes of partitions with no readable file system, by offset.
    package var rawFindings: [Finding]
    /// Every finding of the volume: its file systems' and the raw ones.
    package var findings: [Finding] {
        layout.fileSystems.flatMap(\.findings) + rawFindings
    }
}
