import Foundation

/// One region's part of a cost report, worked out inside one read transaction.
struct RegionCostSheet {
    var line: CostReport.RegionCost
    var images: [ImageCost]
    var orphans: [SnapshotCost]
    var volumes: [VolumeCost]

    static let secondsPerDay = 86_400.0

    /// The sheet of `account`'s resources in `region`.
    static func build(region: RegionName, account: AccountID, now: Date, in transaction: any MetadataTransaction) throws -> RegionCostSheet {
        let snapshots = try transaction.fetchAll(Snapshot.self, region: region, owner: account)
        let savings = DeletionSavings(snapshots: snapshots, transaction: transaction)
        var query = ImageQuery(region: region, viewer: nil)
        query.owners = [account]
        query.includeDeregistered = true
        let images = try transaction.images(query)
        var imageCosts: [ImageCost] = []
        for image in images where image.state != .deregistered {
            imageCosts.append(try imageCost(image, snapshots: savings, now: now, in: transaction))
        }
        let orphans = try snapshots.compactMap { try orphanCost($0, savings: savings, in: transaction) }
        let volumes = try transaction.fetchAll(Volume.self, region: region, owner: account).filter { $0.state == .available }.map {
            VolumeCost(
                volumeId: $0.id,
                region: region.rawValue,
                sizeGiB: $0.size,
                volumeType: $0.type.rawValue,
                monthlyUSD: Double($0.size) * StoragePrices.volume($0.type)
            )
        }
        let provisioned = try transaction.fetchAll(Volume.self, region: region, owner: account)
            .filter { $0.state == .available || $0.state == .inUse }
            .reduce(0.0) { $0 + Double($1.size) * StoragePrices.volume($1.type) }
        // Archived snapshots are billed for their full size at the archive price; the blocks
        // their children share with them stay in the standard tier, on the children's bills,
        // as if the archived snapshots had left the standard tier (what deleting them saves).
        let archived = snapshots.filter { $0.storageTier == .archive }
        let leftStandardTier = try savings.saving(deleting: Set(archived.map(\.id)))
        // Snapshots in the Recycle Bin are billed as they were.
        let recycled = try transaction.fetchAll(RecycledSnapshot.self, region: region, owner: account).map(\.snapshot)
        let billable = (snapshots + recycled).reduce(Int64(0)) { $0 + ($1.storage?.changedBytes ?? 0) } - leftStandardTier
        let archivedBytes = archived.reduce(Int64(0)) { $0 + ($1.storage?.logicalBytes ?? 0) }
        let line = CostReport.RegionCost(
            region: region.rawValue,
            snapshotBillableBytes: billable,
            archivedBytes: archivedBytes,
            snapshotsMonthlyUSD: StoragePrices.monthly(billable, at: StoragePrices.standardSnapshot)
                + StoragePrices.monthly(archivedBytes, at: StoragePrices.archiveSnapshot),
            volumesMonthlyUSD: provisioned
        )
        return RegionCostSheet(line: line, images: imageCosts, orphans: orphans, volumes: volumes)
    }

    /// An image's snapshots and what deleting them would save; snapshots another live image
    /// also uses are not counted as deletable.
    static func imageCost(_ image: Image, snapshots savings: DeletionSavings, now: Date, in transaction: any MetadataTransaction) throws -> ImageCost
    {
        let owned = image.snapshotIDs.filter { savings.snapshots[$0] != nil }
        let deletable = try owned.filter { try transaction.imagesUsing(snapshotID: $0).allSatisfy { $0 == image.id } }
        let billable = owned.reduce(Int64(0)) { $0 + (savings.snapshots[$1]?.storage?.changedBytes ?? 0) }
        let saving = try savings.saving(deleting: Set(deletable))
        let since = image.lastLaunchedTime ?? image.creationDate
        return ImageCost(
            imageId: image.id,
            name: image.name,
            region: image.region.rawValue,
            state: image.state.rawValue,
            snapshotIds: image.snapshotIDs,
            billableBytes: billable,
            monthlyUSD: StoragePrices.monthly(billable, at: StoragePrices.standardSnapshot),
            deleteSavingBytes: saving,
            deleteSavingMonthlyUSD: StoragePrices.monthly(saving, at: StoragePrices.standardSnapshot),
            lastLaunchedTime: image.lastLaunchedTime,
            idleForDays: max(0, Int(now.timeIntervalSince(since) / secondsPerDay)),
            deprecated: image.isDeprecated(at: now),
            disabled: image.state == .disabled
        )
    }

    /// A snapshot CreateImage or CopyImage made for an image that is now deregistered (or
    /// gone), which no live image uses.
    static func orphanCost(_ snapshot: Snapshot, savings: DeletionSavings, in transaction: any MetadataTransaction) throws -> SnapshotCost? {
        guard let imageID = madeForImage(snapshot.description), try transaction.imagesUsing(snapshotID: snapshot.id).isEmpty else { return nil }
        if let image = try transaction.image(imageID), image.state != .deregistered { return nil }
        let billable = snapshot.storage?.changedBytes ?? 0
        let full = snapshot.storage?.logicalBytes ?? 0
        let saving = try savings.saving(deleting: [snapshot.id])
        return SnapshotCost(
            snapshotId: snapshot.id,
            region: snapshot.region.rawValue,
            imageId: imageID,
            fullBytes: full,
            billableBytes: billable,
            monthlyUSD: StoragePrices.monthly(billable, at: StoragePrices.standardSnapshot),
            archiveMonthlyUSD: StoragePrices.monthly(full, at: StoragePrices.archiveSnapshot),
            deleteSavingBytes: saving,
            deleteSavingMonthlyUSD: StoragePrices.monthly(saving, at: StoragePrices.standardSnapshot)
        )
    }

    /// The image a snapshot's description says CreateImage or CopyImage made it for.
    static func madeForImage(_ description: String) -> String? {
        let markers = ["Created by CreateImage(", "Copied for DestinationAmi "]
        guard markers.contains(where: description.hasPrefix) else { return nil }
        let words = description.split(whereSeparator: { $0 == " " || $0 == "." })
        if description.hasPrefix(markers[1]) { return words.dropFirst(3).first.map(String.init) }
        return words.last.map(String.init).flatMap { $0.hasPrefix("ami-") ? $0 : nil }
    }
}
