/// What an account's snapshots store, and what AWS would bill for it.
package struct StorageReport: Sendable, Codable, Equatable {
    /// One snapshot's line.
    package struct Line: Sendable, Codable, Equatable {
        package var snapshotId: String
        package var region: String
        package var state: String
        /// Bytes of data blocks, as a full copy would hold (FullSnapshotSizeInBytes).
        package var logicalBytes: Int64
        /// Bytes of blocks that differ from the parent snapshot: what an incremental is billed for.
        package var changedBytes: Int64
        /// Bytes of blocks shared with the parent snapshot: `logicalBytes - changedBytes`.
        package var sharedBytes: Int64
        /// Those changed blocks' size in the store, after compression.
        package var storedChangedBytes: Int64
        /// `standard`, `archive` (billed for `logicalBytes` at the archive price), or
        /// `recycle-bin` (deleted, kept by a Recycle Bin rule, and billed as before).
        package var storageTier: String
    }

    package var account: String
    package var snapshots: [Line]
    /// What the standard tier bills: the changed bytes of the snapshots in it and in the
    /// Recycle Bin, with the blocks archived snapshots share with their children on the children's bills.
    package var billableBytes: Int64
    /// What the archive tier bills: the archived snapshots' full size.
    package var archivedBytes: Int64
    /// AWS's standard-tier snapshot price, USD per GB-month.
    package var pricePerGBMonth: Double
    /// AWS's archive-tier snapshot price, USD per GB-month.
    package var archivePricePerGBMonth: Double
    /// What the account would pay per month at that price.
    package var monthlyCostUSD: Double
}

extension SnapshotService {
    /// The standard-tier price of EBS snapshot storage in USD per GB-month (us-east-1).
    package static let snapshotPricePerGBMonth = 0.05

    /// The storage report of the caller's account across every served region.
    package func storageReport(_ caller: Caller) async throws -> StorageReport {
        let regions = self.regions.enabled.map(\.name)
        let (lines, billable, archived) = try await store.read { transaction in
            var lines: [StorageReport.Line] = []
            var billable: Int64 = 0
            var archived: Int64 = 0
            for region in regions {
                let snapshots = try transaction.fetchAll(Snapshot.self, region: region, owner: caller.account)
                let recycled = try transaction.fetchAll(RecycledSnapshot.self, region: region, owner: caller.account).map(\.snapshot)
                lines += snapshots.map { Self.line($0, tier: $0.storageTier.rawValue) } + recycled.map { Self.line($0, tier: "recycle-bin") }
                let archivedIDs = Set(snapshots.filter { $0.storageTier == .archive }.map(\.id))
                let leftStandardTier = try DeletionSavings(snapshots: snapshots, transaction: transaction).saving(deleting: archivedIDs)
                billable += (snapshots + recycled).reduce(Int64(0)) { $0 + ($1.storage?.changedBytes ?? 0) } - leftStandardTier
                archived += snapshots.filter { archivedIDs.contains($0.id) }.reduce(Int64(0)) { $0 + ($1.storage?.logicalBytes ?? 0) }
            }
            return (lines, billable, archived)
        }
        return StorageReport(
            account: caller.account.rawValue,
            snapshots: lines,
            billableBytes: billable,
            archivedBytes: archived,
            pricePerGBMonth: Self.snapshotPricePerGBMonth,
            archivePricePerGBMonth: StoragePrices.archiveSnapshot,
            monthlyCostUSD: StoragePrices.monthly(billable, at: Self.snapshotPricePerGBMonth)
                + StoragePrices.monthly(archived, at: StoragePrices.archiveSnapshot)
        )
    }

    /// One snapshot's line of the report.
    private static func line(_ snapshot: Snapshot, tier: String) -> StorageReport.Line {
        StorageReport.Line(
            snapshotId: snapshot.id,
            region: snapshot.region.rawValue,
            state: snapshot.state.rawValue,
            logicalBytes: snapshot.storage?.logicalBytes ?? 0,
            changedBytes: snapshot.storage?.changedBytes ?? 0,
            sharedBytes: max(0, (snapshot.storage?.logicalBytes ?? 0) - (snapshot.storage?.changedBytes ?? 0)),
            storedChangedBytes: snapshot.storage?.storedChangedBytes ?? 0,
            storageTier: tier
        )
    }
}
