import Crypto
import Foundation

/// EBS snapshots: creation, copies, deletion, createVolumePermission, storage accounting,
/// and the EBS direct APIs.
package struct SnapshotService: CloudService {
    package let context: CloudContext
}

/// The EC2 snapshot calls: CreateSnapshot, DescribeSnapshots, DeleteSnapshot, CopySnapshot.
extension SnapshotService {

    /// CreateSnapshot: a snapshot of a volume's current blocks, incremental to the volume's
    /// previous snapshot; `pending` until the scheduler completes it.
    package func createSnapshot(_ caller: Caller, volumeID: String, description: String?, tags: [Tag]) async throws -> (Snapshot, [Tag]) {
        guard ResourcePrefix.volume.matches(volumeID) else {
            throw CloudError.malformedVolumeID(volumeID)
        }
        for tag in tags { try tag.validate() }
        let volume = try await read(caller) { transaction in try transaction.liveVolume(volumeID, caller: caller) }
        try await context.runtime.settleVolumes([volume.id])
        // Blocks the volume inherited from a snapshot in another domain move into the volume's domain first.
        let inherited = try await inheritedEntries(of: volume, caller: caller)
        try await blocks.flush()
        let id = ids.resourceID(.snapshot)
        let now = clock.now
        let snapshot: Snapshot = try await write(caller) { transaction in
            let snapshot = try recordSnapshot(
                of: volumeID,
                id: id,
                caller: caller,
                description: description ?? "",
                inherited: inherited,
                now: now,
                in: transaction
            )
            for tag in tags {
                try transaction.putTag(tag, on: id, resourceType: "snapshot", by: caller.account, region: caller.region)
            }
            return snapshot
        }
        try await recordLatest([volumeID: id])
        return (snapshot, tags)
    }

    /// Records a `pending` snapshot of a volume's current blocks inside a transaction, incremental
    /// to the volume's previous snapshot, and schedules its completion. `inherited` are the
    /// volume's source blocks in the volume's domain (see ``inheritedEntries(of:caller:)``), and
    /// every block must already be durable.
    func recordSnapshot(
        of volumeID: String,
        id: String,
        caller: Caller,
        description: String,
        inherited: [BlockEntry],
        now: Date,
        in transaction: any MetadataTransaction
    ) throws -> Snapshot {
        guard let volume = try transaction.fetch(Volume.self, id: volumeID), volume.state != .deleting else {
            throw CloudError.volumeNotFound([volumeID])
        }
        let parentID = volume.lastSnapshotID ?? volume.snapshotID
        let parent = try parentID.flatMap { try transaction.fetch(Snapshot.self, id: $0) }
        var snapshot = Snapshot(
            id: id,
            owner: caller.account,
            region: caller.region,
            volumeID: volumeID,
            volumeSize: volume.size,
            state: .pending,
            progress: 0,
            startTime: now,
            description: description,
            encrypted: volume.encrypted,
            kmsKeyID: volume.kmsKeyID,
            parentID: parent?.id,
            lineageID: parent?.lineageID ?? id
        )
        let domain = snapshot.domain.id
        try transaction.putBlockEntries(inherited, of: id, domain: domain)
        let overlay = try transaction.blockMap(of: volumeID, from: 0, limit: nil)
        try transaction.putBlockEntries(overlay.filter { $0.id != .zero }, of: id, domain: domain)
        try transaction.removeBlockEntries(at: overlay.filter { $0.id == .zero }.map(\.index), of: id)
        let changed = try transaction.changedEntries(of: id, domain: snapshot.domain, against: parent)
        if let parent { try transaction.recordChild(id, of: parent.id) }
        snapshot.storage = try transaction.measure(snapshotID: id, changed: changed, domain: snapshot.domain)
        try transaction.save(snapshot)
        try scheduler.schedule(.snapshotCompleted, resourceID: id, in: transaction)
        return snapshot
    }

    /// Makes each snapshot of `snapshotIDs` (by volume id) its volume's latest, the parent of the
    /// volume's next snapshot.
    ///
    /// This is a transaction of its own, after the one that recorded the snapshots: the flushes
    /// of a served volume claim the volume's row (``MetadataStore/write(claiming:_:)``), and a
    /// snapshot transaction that also wrote that row would collide with them again and again
    /// while a guest writes. A crash between the two leaves the older parent in place, which
    /// makes the next snapshot less incremental, never wrong.
    func recordLatest(_ snapshotIDs: [String: String]) async throws {
        guard !snapshotIDs.isEmpty else { return }
        try await context.store.write { transaction in
            for (volumeID, snapshotID) in snapshotIDs {
                guard var volume = try transaction.fetch(Volume.self, id: volumeID), volume.state != .deleting,
                    try transaction.fetch(Snapshot.self, id: snapshotID) != nil
                else { continue }
                volume.lastSnapshotID = snapshotID
                try transaction.save(volume)
            }
        }
    }

    /// The entries a volume inherits from its source snapshot, in the volume's domain,
    /// re-encoding blocks when the snapshot's domain differs (an unencrypted snapshot
    /// restored to an encrypted volume).
    func inheritedEntries(of volume: Volume, caller: Caller) async throws -> [BlockEntry] {
        guard let sourceID = volume.snapshotID, let sourceDomain = volume.sourceDomain else { return [] }
        let map = try await store.read { try $0.blockMap(of: sourceID, from: 0, limit: nil) }
        return try await transcode(map, of: sourceID, from: sourceDomain, to: volume.domain).entries
    }

    /// `entries` of snapshot `snapshotID` in `target`: blocks the target domain lacks are read
    /// from `source` and stored in `target`; blocks it has already are not touched. Returns every
    /// entry in the target domain, and those whose blocks had to move. A block that cannot be
    /// read is reported as damaged, with the snapshot.
    func transcode(_ entries: [BlockEntry], of snapshotID: String, from source: EncryptionDomain, to target: EncryptionDomain) async throws
        -> (entries: [BlockEntry], moved: [BlockEntry])
    {
        guard source != target else { return (entries, []) }
        // Blocks move several at a time: each is a read, perhaps AES-GCM, and an append.
        let blocks = self.blocks
        var result: [BlockEntry] = []
        result.reserveCapacity(entries.count)
        var moved: [BlockEntry] = []
        try await withThrowingTaskGroup(of: (BlockEntry, Bool).self) { group in
            var next = entries.startIndex
            func startNext() {
                guard next < entries.endIndex else { return }
                let entry = entries[next]
                next += 1
                group.addTask {
                    let targetID = try await blocks.blockID(sha256: entry.sha256, domain: target)
                    let present = try await blocks.contains(targetID, domain: target)
                    let id =
                        present
                        ? targetID
                        : try await blocks.copy(entry.id, sha256: entry.sha256, from: source, to: target) { cause in
                            CloudError.damagedSnapshotBlock(snapshotID: snapshotID, imageID: nil, index: entry.index, cause: cause)
                        }
                    return (BlockEntry(index: entry.index, id: id, sha256: entry.sha256, changeDigest: entry.changeDigest), !present)
                }
            }
            for _ in 0..<Self.copyConcurrency { startNext() }
            while let (entry, didMove) = try await group.next() {
                result.append(entry)
                if didMove { moved.append(entry) }
                startNext()
            }
        }
        result.sort { $0.index < $1.index }
        moved.sort { $0.index < $1.index }
        return (result, moved)
    }

    /// How many blocks a copy moves at once.
    static let copyConcurrency = 8

    /// DescribeSnapshots: the caller's snapshots in its region, filtered and paged.
    package func describeSnapshots(
        _ caller: Caller,
        ids requested: [String]?,
        owners: [String]?,
        restorableBy: [String]? = nil,
        filters: [Filter],
        page: PageRequest
    ) async throws -> (snapshots: [(Snapshot, [Tag])], nextToken: String?) {
        let filterSet = try FilterSet(filters, supported: Self.snapshotFilterNames, allowsTags: true)
        if let requested, !requested.isEmpty, page.maxResults != nil {
            throw CloudError.invalidParameterCombination("The parameter snapshotSet cannot be used with the parameter maxResults")
        }
        for id in requested ?? [] where !ResourcePrefix.snapshot.matches(id) {
            throw CloudError.malformedSnapshotID(id)
        }
        let selection = SnapshotSelection(caller: caller, owners: owners, restorableBy: restorableBy, filters: filterSet)
        if let requested, !requested.isEmpty {
            let named: [(Snapshot, [Tag])] = try await read(caller) { transaction in
                let (found, missing) = try transaction.fetch(Snapshot.self, ids: requested, region: caller.region) { $0.isUsable(by: caller.account) }
                if !missing.isEmpty { throw CloudError.ec2SnapshotNotFound(missing) }
                let tags = try transaction.tags(on: found.map(\.id), by: caller.account)
                return found.map { ($0, tags[$0.id] ?? []) }
            }
            return (try await withLiveProgress(named).filter(selection.admits), nil)
        }
        return try await snapshotPage(caller, selection: selection, page: page)
    }

    /// The filters DescribeSnapshots takes, besides tags: those EC2's model documents, and `kms-key-id`.
    static let snapshotFilterNames: Set<String> = DocumentedFilters.describeSnapshots.union(["kms-key-id"])

    /// A page of the snapshots the caller may use, read from the store's index in id order.
    private func snapshotPage(_ caller: Caller, selection: SnapshotSelection, page: PageRequest) async throws
        -> (snapshots: [(Snapshot, [Tag])], nextToken: String?)
    {
        let (snapshots, nextToken) = try await page.collect(
            id: { $0.0.id },
            read: { after, limit in
                let candidates: [(Snapshot, [Tag])] = try await readCommitted(caller) { transaction in
                    let snapshots =
                        selection.ownOnly
                        ? try transaction.page(Snapshot.self, region: caller.region, owner: caller.account, after: after, limit: limit)
                        : try transaction.page(Snapshot.self, region: caller.region, visibleTo: caller.account, after: after, limit: limit)
                    let tags = try transaction.tags(on: snapshots.map(\.id), by: caller.account)
                    return snapshots.map { ($0, tags[$0.id] ?? []) }
                }
                return await withLiveProgress(candidates)
            },
            admits: selection.admits
        )
        return (snapshots, nextToken)
    }

    /// The snapshots with the progress of their uploads in flight.
    private func withLiveProgress(_ snapshots: [(Snapshot, [Tag])]) async -> [(Snapshot, [Tag])] {
        var result = snapshots
        for index in result.indices where result[index].0.state == .pending {
            if let live = await uploads.progress(of: result[index].0.id) { result[index].0.progress = live }
        }
        return result
    }

    /// The SHA-256 of every stored block of a completed snapshot the caller may use: what a
    /// client compares a changed disk image against, to upload only the blocks that differ.
    package func snapshotDigests(_ caller: Caller, id: String) async throws -> (volumeSize: Int, blocks: [BlockEntry]) {
        try await read(caller) { transaction in
            let snapshot = try transaction.visibleSnapshot(id, caller: caller)
            guard snapshot.state == .completed else {
                throw CloudError.snapshotNotCompleted(id)
            }
            return (snapshot.volumeSize, try transaction.blockMap(of: id, from: 0, limit: nil))
        }
    }

    /// DeleteSnapshot: the snapshot and its map go; its blocks stay until garbage collection
    /// finds nothing else uses them.
    package func deleteSnapshot(_ caller: Caller, id: String) async throws {
        let now = clock.now
        try await write(caller) { transaction in
            let snapshot = try transaction.ownSnapshot(id, caller: caller)
            let users = try transaction.imagesUsing(snapshotID: id)
            if let image = users.first {
                throw CloudError.snapshotInUse(id, image)
            }
            try transaction.deleteOrRecycle(snapshot, now: now)
        }
        try await uploads.end(id)
    }

    /// CopySnapshot: a new snapshot in the caller's region from one in `sourceRegion`.
    ///
    /// Only blocks the destination domain lacks are read and stored: a copy within the same
    /// region and key shares every block with its source, and a copy elsewhere moves each
    /// missing block once.
    package func copySnapshot(
        _ caller: Caller,
        sourceRegion: String,
        sourceSnapshotID: String,
        description: String?,
        encrypted: Bool?,
        kmsKeyID: String?,
        tags: [Tag]
    ) async throws -> String {
        for tag in tags { try tag.validate() }
        let copy = try await prepareSnapshotCopy(
            caller,
            sourceRegion: sourceRegion,
            sourceSnapshotID: sourceSnapshotID,
            description: description,
            encrypted: encrypted,
            kmsKeyID: kmsKeyID
        )
        try await write(caller) { transaction in
            try recordSnapshotCopy(copy, in: transaction)
            for tag in tags {
                try transaction.putTag(tag, on: copy.snapshot.id, resourceType: "snapshot", by: caller.account, region: caller.region)
            }
        }
        return copy.snapshot.id
    }

    /// A snapshot copy whose blocks are in the destination domain and durable, ready to record.
    struct PreparedSnapshotCopy: Sendable {
        var snapshot: Snapshot
        /// The copy's whole map in its domain.
        var entries: [BlockEntry]
        /// The entries whose blocks had to move: what the copy adds to the destination.
        var moved: [BlockEntry]
    }

    /// Whether a copy of `source` is encrypted, and under which key: a copy of an encrypted
    /// snapshot stays encrypted, under the source's key within its region unless another is named.
    private func copyEncryption(
        _ caller: Caller,
        of source: Snapshot,
        encrypted: Bool?,
        kmsKeyID: String?
    ) async throws -> (encrypted: Bool, kmsKeyID: String?) {
        let now = clock.now
        return try await read(caller) { transaction in
            if source.encrypted, encrypted == false {
                throw CloudError.invalidParameterValue("An encrypted snapshot cannot be copied to an unencrypted one.")
            }
            let resolved = try transaction.resolveEncryption(
                caller,
                encrypted: (encrypted ?? false) || source.encrypted ? true : nil,
                kmsKeyID: kmsKeyID,
                now: now
            )
            if source.encrypted, kmsKeyID == nil, source.region == caller.region {
                return (true, source.kmsKeyID)
            }
            return resolved
        }
    }

    /// Reads the source, resolves the copy's encryption, and stores in the destination domain
    /// the blocks it lacks. Nothing is recorded yet. `grantedByImage` is for CopyImage of an
    /// image whose storage the caller may copy without the snapshot being shared (AWS's own).
    func prepareSnapshotCopy(
        _ caller: Caller,
        sourceRegion: String,
        sourceSnapshotID: String,
        description: String?,
        encrypted: Bool?,
        kmsKeyID: String?,
        grantedByImage: Bool = false
    ) async throws -> PreparedSnapshotCopy {
        let sourceCaller = Caller(account: caller.account, accessKeyID: caller.accessKeyID, region: RegionName(sourceRegion))
        guard regions.region(sourceCaller.region)?.isEnabled == true else {
            throw CloudError.sourceRegionNotEnabled(sourceRegion)
        }
        let (source, sourceMap) = try await store.read { transaction -> (Snapshot, [BlockEntry]) in
            let source: Snapshot
            if grantedByImage, let granted = try transaction.fetch(Snapshot.self, id: sourceSnapshotID), granted.region == sourceCaller.region {
                source = granted
            } else {
                source = try transaction.visibleSnapshot(sourceSnapshotID, caller: sourceCaller)
            }
            return (source, try transaction.blockMap(of: sourceSnapshotID, from: 0, limit: nil))
        }
        guard source.state == .completed else {
            throw CloudError.snapshotNotCompleted(sourceSnapshotID)
        }
        guard source.isUsableForData else { throw CloudError.snapshotArchived(sourceSnapshotID) }
        let encryption = try await copyEncryption(caller, of: source, encrypted: encrypted, kmsKeyID: kmsKeyID)
        let id = ids.resourceID(.snapshot)
        var copy = Snapshot(
            id: id,
            owner: caller.account,
            region: caller.region,
            volumeID: source.volumeID,
            volumeSize: source.volumeSize,
            state: .pending,
            progress: 0,
            startTime: clock.now,
            description: description ?? source.description,
            encrypted: encryption.encrypted,
            kmsKeyID: encryption.kmsKeyID,
            parentID: nil,
            lineageID: id
        )
        copy.sourceSnapshotID = sourceSnapshotID
        let (entries, moved) = try await transcode(sourceMap, of: source.id, from: source.domain, to: copy.domain)
        try await blocks.flush()
        return PreparedSnapshotCopy(snapshot: copy, entries: entries, moved: moved)
    }

    /// Records a prepared copy, `pending` until the scheduler completes it. The source must
    /// still be there: a DeleteSnapshot that won the race (on this node or another) leaves the
    /// copy nothing to record, and the blocks prepared for it to garbage collection.
    func recordSnapshotCopy(_ prepared: PreparedSnapshotCopy, in transaction: any MetadataTransaction) throws {
        var copy = prepared.snapshot
        if let sourceID = copy.sourceSnapshotID, try transaction.fetch(Snapshot.self, id: sourceID) == nil {
            throw CloudError.ec2SnapshotNotFound([sourceID])
        }
        try transaction.putBlockEntries(prepared.entries, of: copy.id, domain: copy.domain.id)
        copy.storage = try transaction.measure(snapshotID: copy.id, changed: prepared.moved, domain: copy.domain)
        try transaction.save(copy)
        try scheduler.schedule(.snapshotCompleted, resourceID: copy.id, in: transaction)
    }
}
