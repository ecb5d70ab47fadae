import Foundation
import KilnCore

extension Console {
    func storagePage(_ session: ConsoleSession, _ query: FormFields) async throws -> Page {
        let caller = session.caller()
        let report = try await cloud.cost.report(caller)
        let orphans = Dictionary(report.orphanedSnapshots.map { ($0.snapshotId, $0) }, uniquingKeysWith: { first, _ in first })
        let page = try cloud.context.pageRequest(
            "Console.Snapshots",
            caller: caller,
            maxResults: 100,
            nextToken: query.text("token"),
            allowed: 5...1000,
            parameters: []
        )
        let (snapshots, next) = try await cloud.snapshots.describeSnapshots(caller, ids: nil, owners: ["self"], filters: [], page: page)
        let (volumes, _) = try await cloud.volumes.describeVolumes(caller, ids: nil, filters: [], page: .everything())
        let view = StorageView(
            account: caller.account.rawValue,
            total: Display.dollars(report.totalMonthlyUSD),
            savings: Display.dollars(report.orphanSavingsMonthlyUSD),
            storageChart: Self.storageChart(report).svg(),
            costChart: Self.costChart(report).svg(),
            snapshots: snapshots.map { Self.snapshotRow($0.0, orphaned: orphans[$0.0.id] != nil) },
            hasSnapshots: !snapshots.isEmpty,
            nextHref: next.map { Display.href("/console/storage", [("token", $0)]) },
            volumes: volumes.map { Self.volumeRow($0.0) },
            hasVolumes: !volumes.isEmpty
        )
        return Page(title: "Snapshots and volumes", section: "storage", body: pages.render("storage", view, session: session))
    }

    /// Billed snapshot bytes per region with any, and the orphaned share of each.
    static func storageChart(_ report: CostReport) -> BarChart {
        var bars: [BarChart.Bar] = []
        for line in report.regions where line.snapshotBillableBytes + line.archivedBytes > 0 {
            let bytes = line.snapshotBillableBytes + line.archivedBytes
            bars.append(BarChart.Bar(label: line.region, value: Double(bytes), text: Display.bytes(bytes)))
            let orphaned = report.orphanedSnapshots.filter { $0.region == line.region }.reduce(Int64(0)) { $0 + $1.billableBytes }
            if orphaned > 0 {
                bars.append(
                    BarChart.Bar(label: "↳ orphaned", value: Double(orphaned), text: Display.bytes(orphaned) + " orphaned", highlighted: true)
                )
            }
        }
        return BarChart(id: "storage-chart", title: "Snapshot storage billed, account \(report.account)", bars: bars)
    }

    static func costChart(_ report: CostReport) -> BarChart {
        let bars = report.regions.filter { $0.snapshotsMonthlyUSD + $0.volumesMonthlyUSD > 0 }.map { line in
            let total = line.snapshotsMonthlyUSD + line.volumesMonthlyUSD
            return BarChart.Bar(label: line.region, value: total, text: Display.dollars(total))
        }
        return BarChart(id: "cost-chart", title: "Monthly cost, account \(report.account)", bars: bars)
    }

    static func snapshotRow(_ snapshot: Snapshot, orphaned: Bool) -> SnapshotRow {
        let archived = snapshot.storageTier.rawValue == "archive"
        let billed = archived ? snapshot.storage?.logicalBytes ?? 0 : snapshot.storage?.changedBytes ?? 0
        let price = archived ? StoragePrices.archiveSnapshot : StoragePrices.standardSnapshot
        return SnapshotRow(
            id: snapshot.id,
            state: snapshot.state.rawValue,
            size: "\(snapshot.volumeSize) GiB",
            stored: Display.bytes(snapshot.storage?.logicalBytes ?? 0),
            billed: Display.bytes(billed),
            monthly: Display.dollars(StoragePrices.monthly(billed, at: price)),
            tier: snapshot.storageTier.rawValue,
            description: snapshot.description,
            orphaned: orphaned
        )
    }

    static func volumeRow(_ volume: Volume) -> VolumeRow {
        VolumeRow(
            id: volume.id,
            state: volume.state.rawValue,
            size: "\(volume.size) GiB",
            volumeType: volume.type.rawValue,
            attachedTo: volume.attachment?.instanceID ?? "—",
            snapshot: volume.snapshotID ?? "—",
            monthly: Display.dollars(Double(volume.size) * StoragePrices.volume(volume.type)),
            unattached: volume.attachment == nil
        )
    }
}
