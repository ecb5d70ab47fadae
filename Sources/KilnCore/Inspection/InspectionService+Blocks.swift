import KilnInspect

/// What the store knows of a volume's blocks, and the pass that reads each of them once.
extension InspectionService {
    /// A snapshot's map, its stored size and how its blocks are shared.
    struct StoredFacts: Sendable {
        var entries: [BlockEntry]
        var storedBytes: Int64
        var sharing: BlockSharing
    }

    /// What one read of every block finds: non-zero bytes, and secrets where no file system was read.
    struct PassResult: Sendable {
        var nonZeroBytes: Int64 = 0
        var findings: [Finding] = []
    }

    /// The map of `snapshot`, what it takes in the store, and how it shares blocks with its
    /// parent and with the account's other images (those that are not `inspected`).
    static func storedFacts(of snapshot: Snapshot, inspected: String, caller: Caller, in transaction: any MetadataTransaction) throws
        -> StoredFacts
    {
        let entries = try transaction.blockMap(of: snapshot.id, from: 0, limit: nil).filter { $0.id != .zero }
        let ids = Set(entries.map(\.id))
        let parent = try snapshot.parentID.flatMap { try transaction.fetch(Snapshot.self, id: $0) }
        let parentIDs = try parent.map { Set(try transaction.blockMap(of: $0.id, from: 0, limit: nil).map(\.id)) } ?? []
        var query = ImageQuery(region: snapshot.region, viewer: nil)
        query.owners = [caller.account]
        var otherIDs: Set<BlockID> = []
        for image in try transaction.images(query) where image.id != inspected {
            for snapshotID in image.blockDeviceMappings.compactMap(\.ebs?.snapshotID) where snapshotID != snapshot.id {
                otherIDs.formUnion(try transaction.blockMap(of: snapshotID, from: 0, limit: nil).map(\.id))
            }
        }
        let unique = entries.filter { !parentIDs.contains($0.id) && !otherIDs.contains($0.id) }.count
        let sharing = BlockSharing(
            blocks: entries.count,
            uniqueBlocks: unique,
            sharedWithParent: entries.count { parentIDs.contains($0.id) },
            sharedWithOtherImages: entries.count { otherIDs.contains($0.id) },
            uniqueBytes: Int64(unique) * Int64(Block.size),
            parentSnapshotId: parent?.id
        )
        return StoredFacts(entries: entries, storedBytes: try transaction.storedBytes(of: ids, domain: snapshot.domain.id), sharing: sharing)
    }

    /// Reads every block of `snapshot` once, a few at a time: counts the 4 KiB pages that hold
    /// data, and looks for secrets in blocks of partitions without a readable file system. A
    /// damaged block fails the pass, named with its snapshot and `image`.
    func fullPass(_ entries: [BlockEntry], of snapshot: Snapshot, image: String?, unreadable: [Partition]) async throws -> PassResult {
        let blocks = self.blocks
        let (domain, snapshotID) = (snapshot.domain, snapshot.id)
        var result = PassResult()
        try await withThrowingTaskGroup(of: PassResult.self) { group in
            var next = entries.startIndex
            func startNext() {
                guard next < entries.endIndex else { return }
                let entry = entries[next]
                next += 1
                group.addTask {
                    let plaintext = try await blocks.read(entry.id, domain: domain) { cause in
                        CloudError.damagedSnapshotBlock(snapshotID: snapshotID, imageID: image, index: entry.index, cause: cause)
                    }
                    return Self.scan(plaintext, at: entry.index * Block.size, unreadable: unreadable)
                }
            }
            for _ in 0..<Self.readConcurrency { startNext() }
            while let partial = try await group.next() {
                result.nonZeroBytes += partial.nonZeroBytes
                result.findings += partial.findings
                startNext()
            }
        }
        result.findings.sort { ($0.offset ?? 0) < ($1.offset ?? 0) }
        return result
    }

    /// One block's non-zero pages, and its secrets when it lies in an unreadable partition.
    static func scan(_ block: [UInt8], at offset: Int, unreadable: [Partition]) -> PassResult {
        var result = PassResult()
        block.withUnsafeBytes { raw in
            var page = 0
            while page < raw.count {
                let end = min(page + pageSize, raw.count)
                if !Block.isZero(UnsafeRawBufferPointer(rebasing: raw[page..<end])) { result.nonZeroBytes += Int64(end - page) }
                page = end
            }
        }
        let inUnreadable = unreadable.contains { offset < $0.offset + $0.size && offset + block.count > $0.offset }
        if inUnreadable, result.nonZeroBytes > 0 {
            for (kind, detail, position) in ContentRules.secrets(in: block) {
                result.findings.append(Finding(kind: kind, offset: offset + position, detail: detail))
            }
        }
        return result
    }
}
