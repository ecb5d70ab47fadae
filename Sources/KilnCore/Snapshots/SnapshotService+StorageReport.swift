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
    }

    package var account: String
    package var snapshots: [Line]
    /// Sum of the snapshots' changed bytes.
    package var billableBytes: Int64
    /// AWS's standard-tier snapshot price, USD per GB-month.
    package var pricePerGBMonth: Double
    /// What the account would pay per month at that price.
    package var monthlyCostUSD: Double
}

extension SnapshotService {
    /// The standard-tier price of EBS snapshot storage in USD per GB-month (us-east-1).
    package static let snapshotPricePerGBMonth = 0.05

    /// The storage report of the caller's account across every served region.
    package func storageReport(_ caller: Caller) async throws -> StorageReport {
        let regions = self.regions.enabled.map(\.name)
        let snapshots = try await store.read { transaction in
            try regions.flatMap { try transaction.fetchAll(Snapshot.self, region: $0, owner: caller.account) }
        }
        let lines = snapshots.map { snapshot in
            StorageReport.Line(
                snapshotId: snapshot.id,
                region: snapshot.region.rawValue,
                state: snapshot.state.rawValue,
                logicalBytes: snapshot.storage?.logicalBytes ?? 0,
                changedBytes: snapshot.storage?.changedBytes ?? 0,
                sharedBytes: max(0, (snapshot.storage?.logicalBytes ?? 0) - (snapshot.storage?.changedBytes ?? 0)),
                storedChangedBytes: snapshot.storage?.storedChangedBytes ?? 0
            )
        }
        let billable = lines.reduce(Int64(0)) { $0 + $1.changedBytes }
        return StorageReport(
            account: caller.account.rawValue,
            snapshots: lines,
            billableBytes: billable,
            pricePerGBMonth: Self.snapshotPricePerGBMonth,
            monthlyCostUSD: Double(billable) / 1e9 * Self.snapshotPricePerGBMonth
        )
    }
}
