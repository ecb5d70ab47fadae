import Foundation

/// Where a snapshot is stored (the standard or the archive tier) and the last tiering
/// operation on it: archival, or a temporary or permanent restore.
package struct SnapshotTiering: Sendable, Codable, Equatable {
    /// A storage tier.
    package enum Tier: String, Sendable, Codable {
        case standard, archive
    }

    /// The states of the last tiering operation, as DescribeSnapshotTierStatus names them.
    package enum Operation: String, Sendable, Codable {
        case archivalInProgress = "archival-in-progress"
        case archivalCompleted = "archival-completed"
        case temporaryRestoreInProgress = "temporary-restore-in-progress"
        case temporaryRestoreCompleted = "temporary-restore-completed"
        case permanentRestoreInProgress = "permanent-restore-in-progress"
        case permanentRestoreCompleted = "permanent-restore-completed"
    }

    package var tier: Tier
    package var operation: Operation
    package var operationStart: Date
    package var progress: Int
    /// When the snapshot reached the archive tier.
    package var archivalCompleteTime: Date?
    /// When a temporary restore ends and the snapshot is archive-only again.
    package var restoreExpiryTime: Date?
    /// The days a temporary restore asked for, until it completes.
    package var temporaryRestoreDays: Int?

    /// Whether the snapshot's data can be used: not archived, or restored (temporarily or for good).
    package var isUsable: Bool {
        switch operation {
        case .archivalCompleted, .temporaryRestoreInProgress, .permanentRestoreInProgress: false
        default: true
        }
    }
}

extension Snapshot {
    /// The tier DescribeSnapshots reports: `archive` while archived (also while temporarily restored).
    package var storageTier: SnapshotTiering.Tier {
        tiering?.tier ?? .standard
    }

    /// Whether volumes and images may be made from it: it is not in the archive tier alone.
    package var isUsableForData: Bool {
        tiering?.isUsable ?? true
    }
}
