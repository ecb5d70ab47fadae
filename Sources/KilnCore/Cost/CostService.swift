import Foundation

/// What an account's images, snapshots and volumes cost, and which of them nobody uses.
package struct CostService: CloudService {
    package let context: CloudContext
}

extension CostService {
    /// The default for images listed as idle: not launched in 30 days.
    package static let defaultIdleDays = 30

    /// The cost report of the caller's account across every served region.
    package func report(_ caller: Caller, idleDays: Int = defaultIdleDays) async throws -> CostReport {
        guard idleDays >= 0 else { throw CloudError.invalidParameterValue("days must be 0 or more, not \(idleDays).") }
        let regions = self.regions.enabled.map(\.name)
        let now = clock.now
        let parts = try await store.read { transaction in
            try regions.map { try RegionCostSheet.build(region: $0, account: caller.account, now: now, in: transaction) }
        }
        let images = parts.flatMap(\.images).filter { !$0.snapshotIds.isEmpty || $0.state != Image.State.deregistered.rawValue }
        let orphans = parts.flatMap(\.orphans)
        let volumes = parts.flatMap(\.volumes)
        let regionLines = parts.map(\.line)
        return CostReport(
            account: caller.account.rawValue,
            idleDays: idleDays,
            prices: .init(
                standardSnapshot: StoragePrices.standardSnapshot,
                archiveSnapshot: StoragePrices.archiveSnapshot,
                gp3Volume: StoragePrices.volume(.gp3)
            ),
            regions: regionLines,
            totalMonthlyUSD: regionLines.reduce(0) { $0 + $1.snapshotsMonthlyUSD + $1.volumesMonthlyUSD },
            images: images,
            orphanedSnapshots: orphans,
            unattachedVolumes: volumes,
            idleImages: images.filter { $0.state == "available" && $0.idleForDays >= idleDays }.map(\.imageId),
            deprecatedOrDisabledImages: images.filter { ($0.deprecated || $0.disabled) && !$0.snapshotIds.isEmpty }.map(\.imageId),
            orphanSavingsMonthlyUSD: orphans.reduce(0) { $0 + $1.deleteSavingMonthlyUSD } + volumes.reduce(0) { $0 + $1.monthlyUSD }
        )
    }
}
