import Crypto
import Foundation

extension DirectUploadRequest {
    /// Every parameter, in a fixed order: two calls with one client token must agree on all of them.
    var fingerprint: String {
        let tags = self.tags.map { "\($0.key)=\($0.value)" }.joined(separator: "\u{1}")
        return [
            String(volumeSize), parentSnapshotID ?? "", encrypted.map(String.init) ?? "", kmsKeyARN ?? "",
            timeoutMinutes.map(String.init) ?? "", description ?? "", tags,
        ].joined(separator: "\u{0}")
    }
}

/// A page of blocks with their tokens, as ListSnapshotBlocks and ListChangedBlocks return them.
package struct BlockListing: Sendable {
    /// One listed block: its index and the tokens to read it from each snapshot.
    package struct Item: Sendable, Equatable {
        package var index: Int
        package var firstToken: String?
        package var secondToken: String?
    }

    package var items: [Item]
    package var expiry: Date
    package var volumeSize: Int
    package var nextToken: String?
}

extension ScheduledTransition.Kind {
    /// An EBS direct upload not completed within its Timeout fails.
    package static let snapshotUploadTimeout = Self(rawValue: "snapshot.upload-timeout")
}

/// The EBS direct APIs: upload a snapshot block by block, list and read its blocks.
extension SnapshotService {
    /// How long block tokens stay valid.
    package static let blockTokenLifetime: TimeInterval = 2 * 3600

    /// A snapshot the caller owns in its region, or the EBS direct API's not-found error.
    func directAPISnapshot(_ id: String, caller: Caller, in transaction: any MetadataTransaction) throws -> Snapshot {
        guard ResourcePrefix.snapshot.matches(id), let snapshot = try transaction.fetch(Snapshot.self, id: id),
            snapshot.owner == caller.account, snapshot.region == caller.region
        else { throw CloudError.directSnapshotNotFound(id) }
        return snapshot
    }

    /// StartSnapshot: a new `pending` snapshot, incremental to its parent when one is given.
    package func startSnapshot(_ caller: Caller, _ request: DirectUploadRequest) async throws -> (Snapshot, [Tag]) {
        try Self.check(request)
        let id = ids.resourceID(.snapshot)
        let now = clock.now
        let (snapshot, created): (Snapshot, Bool) = try await write(caller) { transaction in
            if let token = request.clientToken,
                let claim = try transaction.claimedResource(of: token, by: .startSnapshot, caller: caller),
                let earlier = try transaction.fetch(Snapshot.self, id: claim)
            {
                // DeleteSnapshot removes the claim with its snapshot: the token is then free again.
                guard earlier.clientRequest == request.fingerprint else { throw CloudError.clientTokenConflict }
                return (earlier, false)
            }
            return (try recordUpload(request, id: id, caller: caller, now: now, in: transaction), true)
        }
        if created { await uploads.begin(snapshot) }
        let tags = try await read(caller) { try $0.tags(on: snapshot.id, by: caller.account) }
        return (snapshot, tags)
    }

    /// The checks of a StartSnapshot that need no store.
    private static func check(_ request: DirectUploadRequest) throws {
        guard request.volumeSize >= 1, request.volumeSize <= 65_536 else {
            throw CloudError.ebsValidation("The volume size must be between 1 and 65536 GiB.", "INVALID_VOLUME_SIZE")
        }
        if let timeout = request.timeoutMinutes, !(10...4320).contains(timeout) {
            throw CloudError.ebsValidation("Timeout must be between 10 and 4320 minutes.", "INVALID_PARAMETER_VALUE")
        }
        if request.kmsKeyARN != nil, request.encrypted != true {
            throw CloudError.ebsValidation("KmsKeyArn requires Encrypted to be true.", "INVALID_PARAMETER_VALUE")
        }
        for tag in request.tags {
            do { try tag.validate() } catch let error as CloudError { throw CloudError.ebsValidation(error.message, "INVALID_TAG") }
        }
        if request.parentSnapshotID != nil, request.encrypted != nil {
            throw CloudError.ebsValidation("You can't specify Encrypted and ParentSnapshotId in the same request.", "INVALID_PARAMETER_VALUE")
        }
    }

    /// Records the `pending` snapshot of a new upload, its client-token claim, its tags, the
    /// copy of its parent's map, and the transition that fails it at its timeout.
    private func recordUpload(_ request: DirectUploadRequest, id: String, caller: Caller, now: Date, in transaction: any MetadataTransaction) throws
        -> Snapshot
    {
        let (encryption, lineage) = try uploadEncryption(request, id: id, caller: caller, now: now, in: transaction)
        var snapshot = Snapshot(
            id: id,
            owner: caller.account,
            region: caller.region,
            volumeID: Snapshot.directUploadVolumeID,
            volumeSize: request.volumeSize,
            state: .pending,
            progress: 0,
            startTime: now,
            description: request.description ?? "",
            encrypted: encryption.encrypted,
            kmsKeyID: encryption.kmsKeyID,
            parentID: request.parentSnapshotID,
            lineageID: lineage
        )
        snapshot.clientToken = request.clientToken
        snapshot.clientRequest = request.clientToken == nil ? nil : request.fingerprint
        if let token = request.clientToken {
            try transaction.claimClientToken(token, by: .startSnapshot, caller: caller, resourceID: id)
        }
        snapshot.timeoutMinutes = request.timeoutMinutes ?? 60
        try transaction.save(snapshot)
        if let parentID = request.parentSnapshotID {
            // The child starts as a copy of its parent's map, not a reference to it: the
            // parent may be deleted, and its map with it, before the child completes.
            try transaction.copyBlockMap(from: parentID, to: id)
            try transaction.recordChild(id, of: parentID)
        }
        for tag in request.tags {
            try transaction.putTag(tag, on: id, resourceType: "snapshot", by: caller.account, region: caller.region)
        }
        try transaction.insert(ScheduledTransition(kind: .snapshotUploadTimeout, resourceID: id, due: snapshot.uploadDeadline))
        return snapshot
    }

    /// The encryption and lineage of a new upload: its parent's when it has one, which must be
    /// completed, no larger, and whose key it must not contradict; else the request's or the
    /// account's default.
    private func uploadEncryption(_ request: DirectUploadRequest, id: String, caller: Caller, now: Date, in transaction: any MetadataTransaction)
        throws -> (encryption: (encrypted: Bool, kmsKeyID: String?), lineage: String)
    {
        let encryption = try transaction.resolveEncryption(caller, encrypted: request.encrypted, kmsKeyID: request.kmsKeyARN, now: now)
        guard let parentID = request.parentSnapshotID else { return (encryption, id) }
        let parent = try directAPISnapshot(parentID, caller: caller, in: transaction)
        guard parent.state == .completed else {
            throw CloudError.ebsValidation("The parent snapshot \(parentID) is not completed.", "INVALID_SNAPSHOT_ID")
        }
        guard request.volumeSize >= parent.volumeSize else {
            throw CloudError.ebsValidation(
                "The volume size cannot be smaller than the parent snapshot's \(parent.volumeSize) GiB.",
                "INVALID_VOLUME_SIZE"
            )
        }
        // A child is encrypted exactly as its parent; encryption by default cannot change that.
        if !parent.encrypted, encryption.encrypted {
            throw CloudError.ebsValidation(
                "The parent snapshot \(parentID) is unencrypted, but encryption by default is enabled: its child cannot be encrypted.",
                "INVALID_PARAMETER_VALUE"
            )
        }
        if let key = request.kmsKeyARN, KMSKey.arn(reference: key, account: caller.account, region: caller.region) != parent.kmsKeyID {
            throw CloudError.ebsValidation("KmsKeyArn must be the key of the parent snapshot \(parentID).", "INVALID_PARAMETER_VALUE")
        }
        return ((parent.encrypted, parent.kmsKeyID), parent.lineageID)
    }

    /// PutSnapshotBlock: checks the block against its checksum and stores it; returns the checksum.
    package func putSnapshotBlock(
        _ caller: Caller,
        snapshotID: String,
        index: Int,
        data: [UInt8],
        dataLength: Int,
        checksum: String,
        checksumAlgorithm: String,
        progress: Int?
    ) async throws -> String {
        guard checksumAlgorithm == "SHA256" else {
            throw CloudError.ebsValidation("ChecksumAlgorithm must be SHA256.", "INVALID_PARAMETER_VALUE")
        }
        guard dataLength == Block.size, data.count == Block.size else {
            throw CloudError.ebsValidation(
                "DataLength must be \(Block.size) and match the body (\(data.count) bytes received).",
                "INVALID_PARAMETER_VALUE"
            )
        }
        if let progress, !(0...100).contains(progress) {
            throw CloudError.ebsValidation("Progress must be between 0 and 100.", "INVALID_PARAMETER_VALUE")
        }
        guard let upload = try await uploads.target(of: snapshotID), upload.accepts(caller, at: clock.now) else {
            throw try await refusal(caller, toPutInto: snapshotID)
        }
        guard index >= 0, index < upload.volumeSize * Block.perGiB else {
            throw CloudError.ebsValidation("Block index \(index) is outside a volume of \(upload.volumeSize) GiB.", "INVALID_BLOCK")
        }
        let digest = Array(SHA256.hash(data: data))
        guard Data(digest).base64EncodedString() == checksum else {
            throw CloudError.ebsValidation("The checksum of the block does not match the data.", "INVALID_BLOCK")
        }
        let entry: BlockEntry
        if Block.isZero(data) {
            entry = BlockEntry(index: index, id: .zero, sha256: digest)
        } else {
            entry = BlockEntry(
                index: index,
                id: try await blocks.put(data, sha256: digest, domain: upload.domain),
                sha256: digest,
                changeDigest: ChangeDigest.of(data)
            )
        }
        guard try await uploads.record(entry, in: snapshotID, progress: progress) else {
            throw CloudError.ebsValidation("The snapshot \(snapshotID) is not accepting blocks.", "INVALID_SNAPSHOT_ID")
        }
        return checksum
    }

    /// Checks, before a block's body is read, that `snapshotID` is an upload of the caller
    /// that still takes blocks; throws what PutSnapshotBlock would answer otherwise.
    package func admitBlock(_ caller: Caller, snapshotID: String) async throws {
        guard let upload = try await uploads.target(of: snapshotID), upload.accepts(caller, at: clock.now) else {
            throw try await refusal(caller, toPutInto: snapshotID)
        }
    }

    /// Why a block cannot be put into `snapshotID`: the snapshot is not the caller's, it is
    /// no longer pending, or its upload ran out of time.
    private func refusal(_ caller: Caller, toPutInto snapshotID: String) async throws -> CloudError {
        let snapshot = try await read(caller) { try directAPISnapshot(snapshotID, caller: caller, in: $0) }
        if snapshot.state == .pending, clock.now >= snapshot.uploadDeadline {
            return CloudError.ebsValidation(
                "The upload of snapshot \(snapshotID) was not completed within its timeout of \(snapshot.timeoutMinutes ?? 60) minutes.",
                "INVALID_SNAPSHOT_ID"
            )
        }
        return CloudError.ebsValidation(
            "The snapshot \(snapshotID) is not accepting blocks (it is \(snapshot.state.rawValue)).",
            "INVALID_SNAPSHOT_ID"
        )
    }

    /// The blocks of EBS direct uploads still open, which garbage collection must keep.
    package func blocksOfOpenUploads() async -> [(domain: String, id: BlockID)] {
        await uploads.liveBlocks(at: clock.now)
    }

    /// CompleteSnapshot: checks the count and the aggregated checksum, makes every block
    /// durable, then writes the snapshot's map; the snapshot is `completed` once that commits.
    package func completeSnapshot(
        _ caller: Caller,
        snapshotID: String,
        changedBlocksCount: Int,
        checksum: String?,
        checksumAlgorithm: String?,
        aggregationMethod: String?
    ) async throws -> Snapshot.State {
        let snapshot = try await read(caller) { try directAPISnapshot(snapshotID, caller: caller, in: $0) }
        guard snapshot.state == .pending, let entries = try await uploads.entries(of: snapshotID) else {
            if snapshot.state == .completed { return .completed }
            throw CloudError.ebsValidation("The snapshot \(snapshotID) is \(snapshot.state.rawValue), not pending.", "INVALID_SNAPSHOT_ID")
        }
        if let upload = try await uploads.target(of: snapshotID), !upload.accepts(caller, at: clock.now) {
            throw try await refusal(caller, toPutInto: snapshotID)
        }
        guard entries.count == changedBlocksCount else {
            throw CloudError.ebsValidation(
                "ChangedBlocksCount is \(changedBlocksCount) but \(entries.count) blocks were written.",
                "INVALID_PARAMETER_VALUE"
            )
        }
        if let checksum {
            guard checksumAlgorithm == "SHA256", aggregationMethod == "LINEAR" else {
                throw CloudError.ebsValidation("Only SHA256 checksums with LINEAR aggregation are supported.", "INVALID_PARAMETER_VALUE")
            }
            let ordered = entries.keys.sorted().flatMap { entries[$0]?.sha256 ?? [] }
            guard Data(SHA256.hash(data: ordered)).base64EncodedString() == checksum else {
                throw CloudError.ebsValidation("The aggregated checksum does not match the blocks written.", "INVALID_PARAMETER_VALUE")
            }
        }
        try await blocks.flush()
        let now = clock.now
        try await write(caller) { transaction in
            guard var current = try transaction.fetch(Snapshot.self, id: snapshotID), current.state == .pending else {
                throw CloudError.ebsValidation("The snapshot \(snapshotID) is no longer pending.", "INVALID_SNAPSHOT_ID")
            }
            let written = entries.values.filter { $0.id != .zero }
            try transaction.putBlockEntries(written, of: snapshotID, domain: current.domain.id)
            try transaction.removeBlockEntries(at: entries.values.filter { $0.id == .zero }.map(\.index), of: snapshotID)
            // Measured against the parent as it is now: deleted meanwhile, the child holds its data.
            let parent = try current.parentID.flatMap { try transaction.fetch(Snapshot.self, id: $0) }
            let changed = try transaction.changedEntries(of: snapshotID, domain: current.domain, against: parent)
            current.storage = try transaction.measure(snapshotID: snapshotID, changed: changed, domain: current.domain)
            current.state = .completed
            current.progress = 100
            current.completionTime = now
            try transaction.save(current)
        }
        try await uploads.end(snapshotID)
        return .completed
    }

    /// ListSnapshotBlocks: the blocks of a completed snapshot, with tokens to read them.
    package func listSnapshotBlocks(
        _ caller: Caller,
        snapshotID: String,
        startingIndex: Int?,
        maxResults: Int?,
        nextToken: String?
    ) async throws -> BlockListing {
        try await listChangedBlocks(
            caller,
            firstSnapshotID: nil,
            secondSnapshotID: snapshotID,
            startingIndex: startingIndex,
            maxResults: maxResults,
            nextToken: nextToken
        )
    }

    /// ListChangedBlocks: blocks that differ between two snapshots of one lineage, or all
    /// blocks of the second when no first is given.
    package func listChangedBlocks(
        _ caller: Caller,
        firstSnapshotID: String?,
        secondSnapshotID: String,
        startingIndex: Int?,
        maxResults: Int?,
        nextToken: String?
    ) async throws -> BlockListing {
        let limit = maxResults ?? 10_000
        guard (100...10_000).contains(limit) else {
            throw CloudError.ebsValidation("MaxResults must be between 100 and 10000.", "INVALID_PARAMETER_VALUE")
        }
        // Page tokens are sealed positions, bound to this call and its two snapshots.
        let scope = context.pageScope("ListChangedBlocks", caller: caller, parameters: [firstSnapshotID ?? "", secondSnapshotID])
        var start = startingIndex ?? 0
        if let nextToken {
            guard let position = scope.open(nextToken), position.hasPrefix("i"), let index = Int(position.dropFirst()) else {
                throw CloudError.ebsValidation("The page token is not valid.", "INVALID_PAGE_TOKEN")
            }
            start = max(start, index)
        }
        let startIndex = start
        let (second, secondMap, firstMap) = try await read(caller) { transaction -> (Snapshot, [BlockEntry], [BlockEntry]?) in
            let second = try directAPISnapshot(secondSnapshotID, caller: caller, in: transaction)
            guard second.state == .completed else {
                throw CloudError.ebsValidation("The snapshot \(secondSnapshotID) is not completed.", "INVALID_SNAPSHOT_ID")
            }
            let secondMap = try transaction.blockMap(of: secondSnapshotID, from: startIndex, limit: nil)
            guard let firstID = firstSnapshotID else { return (second, secondMap, nil) }
            let first = try directAPISnapshot(firstID, caller: caller, in: transaction)
            guard first.lineageID == second.lineageID else {
                throw CloudError.ebsValidation("The snapshots \(firstID) and \(secondSnapshotID) are not of the same lineage.", "UNRELATED_SNAPSHOTS")
            }
            return (second, secondMap, try transaction.blockMap(of: firstID, from: startIndex, limit: nil))
        }
        let expiry = clock.now + Self.blockTokenLifetime
        let tokens = blockTokens
        let token = { (snapshot: String, index: Int) in tokens.make(snapshotID: snapshot, index: index, expiry: expiry) }
        var items: [BlockListing.Item] = []
        var next: Int?
        if let firstMap, let firstID = firstSnapshotID {
            (items, next) = Self.differences(
                firstMap,
                secondMap,
                limit: limit,
                item: { index, inFirst, inSecond in
                    .init(
                        index: index,
                        firstToken: inFirst ? token(firstID, index) : nil,
                        secondToken: inSecond ? token(secondSnapshotID, index) : nil
                    )
                }
            )
        } else {
            items = secondMap.prefix(limit).map { .init(index: $0.index, firstToken: nil, secondToken: token(secondSnapshotID, $0.index)) }
            next = secondMap.count > limit ? secondMap[limit].index : nil
        }
        return BlockListing(items: items, expiry: expiry, volumeSize: second.volumeSize, nextToken: next.map { scope.seal("i\($0)") })
    }

    /// A linear merge of two maps sorted by index: the first `limit` indexes where the maps
    /// differ, made into items by `item(index, inFirst, inSecond)`, and the index to go on from.
    private static func differences(
        _ firstMap: [BlockEntry],
        _ secondMap: [BlockEntry],
        limit: Int,
        item: (Int, Bool, Bool) -> BlockListing.Item
    ) -> (items: [BlockListing.Item], next: Int?) {
        var items: [BlockListing.Item] = []
        var i = 0
        var j = 0
        while (i < firstMap.count || j < secondMap.count) && items.count < limit {
            let a = i < firstMap.count ? firstMap[i] : nil
            let b = j < secondMap.count ? secondMap[j] : nil
            if let a, let b, a.index == b.index {
                if a.sha256 != b.sha256 { items.append(item(a.index, true, true)) }
                i += 1
                j += 1
            } else if let a, b == nil || a.index < (b?.index ?? .max) {
                items.append(item(a.index, true, false))
                i += 1
            } else if let b {
                items.append(item(b.index, false, true))
                j += 1
            }
        }
        let more = i < firstMap.count || j < secondMap.count
        return (items, more ? min(i < firstMap.count ? firstMap[i].index : .max, j < secondMap.count ? secondMap[j].index : .max) : nil)
    }

    /// GetSnapshotBlock: a block's data and its checksum.
    package func getSnapshotBlock(_ caller: Caller, snapshotID: String, index: Int, token: String) async throws -> (data: [UInt8], checksum: String) {
        guard blockTokens.verify(token, snapshotID: snapshotID, index: index, now: clock.now) else {
            throw CloudError.ebsValidation("The block token is not valid for this block, or it has expired.", "INVALID_BLOCK_TOKEN")
        }
        let (snapshot, entry) = try await read(caller) { transaction in
            let snapshot = try directAPISnapshot(snapshotID, caller: caller, in: transaction)
            if snapshot.encrypted, let arn = snapshot.kmsKeyID, let problem = try KeyProblem.of(arn, for: caller.account, in: transaction) {
                throw CloudError.ebsKeyAccessDenied(problem.message(arn))
            }
            return (snapshot, try transaction.blockEntry(of: snapshotID, at: index))
        }
        guard let entry else {
            let zero = [UInt8](repeating: 0, count: Block.size)
            return (zero, Data(SHA256.hash(data: zero)).base64EncodedString())
        }
        let data = try await blocks.read(entry.id, domain: snapshot.domain) { cause in
            CloudError.damagedBlock(snapshotID: snapshotID, index: index, cause: cause)
        }
        return (data, Data(entry.sha256).base64EncodedString())
    }

    static func registerTransitions(in scheduler: inout TransitionScheduler) {
        registerTieringTransitions(in: &scheduler)
        scheduler.register(.snapshotUploadTimeout) { transition, transaction in
            guard var snapshot = try transaction.fetch(Snapshot.self, id: transition.resourceID), snapshot.state == .pending,
                snapshot.volumeID == Snapshot.directUploadVolumeID
            else { return }
            snapshot.state = .error
            snapshot.stateMessage = "The upload was not completed within its timeout of \(snapshot.timeoutMinutes ?? 60) minutes."
            try transaction.save(snapshot)
            // A cluster's upload keeps its blocks in a map of its own until it ends.
            try transaction.deleteBlockMap(of: UploadSessions.mapOwner(of: snapshot.id))
        }
        scheduler.register(.snapshotCompleted) { transition, transaction in
            guard var snapshot = try transaction.fetch(Snapshot.self, id: transition.resourceID), snapshot.state == .pending else { return }
            // A copy needs the source's key and its own; any snapshot needs its own.
            let source = try snapshot.sourceSnapshotID.flatMap { try transaction.fetch(Snapshot.self, id: $0) }
            let keys = [snapshot.encrypted ? snapshot.kmsKeyID : nil, source?.encrypted == true ? source?.kmsKeyID : nil]
            if let (problem, arn) = try KeyProblem.first(of: keys, for: snapshot.owner, in: transaction) {
                snapshot.state = .error
                snapshot.stateMessage = problem.message(arn)
                try transaction.save(snapshot)
                try ImageService.completePendingImages(using: snapshot.id, in: transaction)
                return
            }
            snapshot.state = .completed
            snapshot.progress = 100
            snapshot.completionTime = transition.due
            try transaction.save(snapshot)
            try ImageService.completePendingImages(using: snapshot.id, in: transaction)
        }
    }

    /// Marks direct uploads that a restart interrupted as failed: their blocks were not durable.
    package func failInterruptedUploads() async throws -> Int {
        try await store.write { transaction in
            var failed = 0
            for region in self.regions.enabled.map(\.name) {
                for var snapshot in try transaction.fetchAll(Snapshot.self, region: region, owner: nil)
                where snapshot.state == .pending && snapshot.volumeID == Snapshot.directUploadVolumeID {
                    snapshot.state = .error
                    snapshot.stateMessage = "The upload was interrupted by a restart of the service; start a new snapshot."
                    try transaction.save(snapshot)
                    failed += 1
                }
            }
            return failed
        }
    }
}

extension ScheduledTransition.Kind {
    /// A snapshot whose blocks are all durable becomes `completed`.
    package static let snapshotCompleted = Self(rawValue: "snapshot.completed")
}
