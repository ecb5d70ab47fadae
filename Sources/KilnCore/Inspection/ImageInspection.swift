import KilnInspect

/// The inspection of an image or a snapshot: each volume's layout, findings and sizes.
package struct ImageInspection: Sendable, Codable, Equatable {
    /// The id inspected: `ami-…` or `snap-…`.
    package var id: String
    package var name: String?
    package var volumes: [VolumeInspection]
    /// The most severe finding's severity, if any.
    package var highestSeverity: Finding.Severity?
    /// Findings by severity.
    package var counts: [String: Int]
    /// What removing package caches and logs would reclaim, over every volume.
    package var reclaimableBytes: Int
    /// How long the scan took.
    package var scanSeconds: Double
    /// Bytes read from the block store per second.
    package var scanBytesPerSecond: Double

    /// Every finding of every volume.
    package var findings: [Finding] { volumes.flatMap(\.findings) }
}
