import Foundation

/// What an account's images, snapshots and volumes cost per month, what nobody uses, and what
/// deleting each would save.
package struct CostReport: Sendable, Codable, Equatable {
    /// The prices applied, USD per GB-month.
    package struct Prices: Sendable, Codable, Equatable {
        package var standardSnapshot: Double
        package var archiveSnapshot: Double
        package var gp3Volume: Double
    }

    /// One region's totals.
    package struct RegionCost: Sendable, Codable, Equatable {
        package var region: String
        /// Bytes billed at the standard snapshot price.
        package var snapshotBillableBytes: Int64
        /// Bytes billed at the archive price: archived snapshots' full size.
        package var archivedBytes: Int64
        package var snapshotsMonthlyUSD: Double
        package var volumesMonthlyUSD: Double
    }

    package var account: String
    /// Images not launched for this many days are listed as idle.
    package var idleDays: Int
    package var prices: Prices
    package var regions: [RegionCost]
    package var totalMonthlyUSD: Double
    package var images: [ImageCost]
    /// Snapshots CreateImage or CopyImage made for an image that has since been deregistered.
    package var orphanedSnapshots: [SnapshotCost]
    package var unattachedVolumes: [VolumeCost]
    /// Images not launched (or, never launched, not created) in the last ``idleDays`` days.
    package var idleImages: [String]
    /// Deprecated or disabled images that still hold snapshots.
    package var deprecatedOrDisabledImages: [String]
    /// What deleting every orphaned snapshot and unattached volume would save per month.
    package var orphanSavingsMonthlyUSD: Double
}

/// One image's snapshots, and what deregistering it with its snapshots would save.
package struct ImageCost: Sendable, Codable, Equatable {
    package var imageId: String
    package var name: String
    package var region: String
    package var state: String
    package var snapshotIds: [String]
    /// Bytes its snapshots are billed for.
    package var billableBytes: Int64
    package var monthlyUSD: Double
    /// What deleting its snapshots would take off the bill: their own changed blocks, less
    /// what their children would be billed for again.
    package var deleteSavingBytes: Int64
    package var deleteSavingMonthlyUSD: Double
    package var lastLaunchedTime: Date?
    /// Days since it was last launched, or created when it never was.
    package var idleForDays: Int
    package var deprecated: Bool
    package var disabled: Bool
}

/// A snapshot nothing uses any more.
package struct SnapshotCost: Sendable, Codable, Equatable {
    package var snapshotId: String
    package var region: String
    /// The deregistered image it was made for.
    package var imageId: String
    package var fullBytes: Int64
    package var billableBytes: Int64
    package var monthlyUSD: Double
    /// What it would cost in the archive tier, billed for its full size.
    package var archiveMonthlyUSD: Double
    package var deleteSavingBytes: Int64
    package var deleteSavingMonthlyUSD: Double
}

/// A volume attached to nothing.
package struct VolumeCost: Sendable, Codable, Equatable {
    package var volumeId: String
    package var region: String
    package var sizeGiB: Int
    package var volumeType: String
    /// Its provisioned storage; deleting it saves all of it.
    package var monthlyUSD: Double
}
