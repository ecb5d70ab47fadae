import Crypto
import Foundation
import KilnCore
import Synchronization

/// What a garbage collection did.
package struct GarbageReport: Sendable, Codable, Equatable {
    /// Blocks whose index rows were removed.
    package var blocksRemoved = 0
    /// Packs deleted whole.
    package var packsDeleted = 0
    /// Packs rewritten without their dead blocks.
    package var packsRewritten = 0
    /// Pack objects no index row named (left by a crash before indexing), deleted.
    package var orphanPacksDeleted = 0
    /// Small packs (from many small volume writes) merged into larger ones.
    package var smallPacksMerged = 0
    /// Bytes the store shrank by.
    package var bytesReclaimed = 0
    /// Blocks still referenced.
    package var liveBlocks = 0
}

/// What a verification found.
package struct VerifyReport: Sendable, Codable, Equatable {
    /// Blocks read back, decoded and re-hashed.
    package var blocksChecked = 0
    /// Their plaintext bytes.
    package var bytesChecked = 0
    /// Packs checked.
    package var packsChecked = 0
    /// Every problem found; empty when the store is sound.
    package var problems: [String] = []
}

extension PackedBlockStore: BlockMaintenance {
    /// Mark and sweep: blocks no snapshot, volume or upload in progress refers to are removed;
    /// packs left empty are deleted and packs mostly dead are rewritten.
    ///
    /// A block indexed or found by deduplication within `grace` of the start is kept, so a
    /// block an upload has just been handed cannot be swept before the upload records it.
    package func collectGarbage(alsoLive: [(domain: String, id: BlockID)]) async throws -> GarbageReport {
        try await collectGarbage(alsoLive: alsoLive, grace: 600, rewriteThreshold: 0.3)
    }

    /// ``collectGarbage(alsoLive:)`` with its margins given: blocks indexed or found within
    /// `grace` are spared, and a pack is rewritten once `rewriteThreshold` of it is dead.
    package func collectGarbage(alsoLive: [(domain: String, id: BlockID)], grace: TimeInterval, rewriteThreshold: Double) async throws
        -> GarbageReport
    {
        try await exclusively { try await sweep(alsoLive: alsoLive, grace: grace, rewriteThreshold: rewriteThreshold) }
    }

    /// Runs `body` while no other collection or verification runs: two collections at once
    /// would each take the packs the other is writing for orphans, and a verification would
    /// find the packs a collection has just replaced missing.
    func exclusively<Result>(_ body: () async throws -> Result) async throws -> Result {
        while !maintenanceRunning.withLock({ running in
            if running { return false }
            running = true
            return true
        }) {
            try await Task.sleep(for: .milliseconds(20))
        }
        defer { maintenanceRunning.withLock { $0 = false } }
        return try await body()
    }

    private func sweep(alsoLive: [(domain: String, id: BlockID)], grace: TimeInterval, rewriteThreshold: Double) async throws -> GarbageReport {
        try await flush()
        let cutoff = clock.now - grace
        let (contents, referenced) = try await index.contentsAndReferences()
        let (indexed, packs) = (contents.blocks, contents.packs)
        var live = Set(referenced.map { "\($0.domain)|\($0.id)" })
        for block in alsoLive { live.insert("\(block.domain)|\(block.id)") }
        let recentlyTouched = touched.withLock { touched in Set(touched.filter { $0.value >= cutoff }.keys) }
        var report = GarbageReport()
        let byPack = Dictionary(grouping: indexed, by: \.pack)
        for pack in packs {
            let blocks = byPack[pack.name] ?? []
            let dead = blocks.filter { block in
                let key = "\(block.domain)|\(block.id)"
                return !live.contains(key) && !recentlyTouched.contains(key) && block.indexedAt < cutoff
            }
            report.liveBlocks += blocks.count - dead.count
            if dead.isEmpty { continue }
            if dead.count == blocks.count {
                try await index.replace(blocks, deletedPacks: [pack.name], adding: nil)
                try await blobs.delete(pack.name)
                report.packsDeleted += 1
                report.bytesReclaimed += pack.size
            } else {
                let deadBytes = dead.reduce(0) { $0 + $1.storedLength + PackWriter.headerSize }
                guard Double(deadBytes) >= Double(pack.size) * rewriteThreshold else { continue }
                let deadIDs = Set(dead.map(\.id))
                let survivors = blocks.filter { !deadIDs.contains($0.id) }
                let newSize = try await rewrite(pack, keeping: survivors, allBlocks: blocks)
                report.packsRewritten += 1
                report.bytesReclaimed += pack.size - newSize
            }
            report.blocksRemoved += dead.count
        }
        report.smallPacksMerged = try await mergeSmallPacks(olderThan: cutoff)
        report.orphanPacksDeleted = try await deleteOrphanPacks()
        return report
    }

    /// Deletes the pack objects that were written but never indexed (a crash in between).
    ///
    /// The order of the reads matters while uploads run: the objects are listed first, then the
    /// writer's unfinished packs, then the index. A listed pack the writer no longer holds was
    /// indexed before it left the writer, so the index read after it names it.
    private func deleteOrphanPacks() async throws -> Int {
        let listed = try await blobs.list(prefix: "packs/")
        let unfinished = await writer.unfinishedPackNames
        let known = Set(try await index.contents().packs.map(\.name))
        var deleted = 0
        for name in listed where !known.contains(name) && !unfinished.contains(name) {
            try await blobs.delete(name)
            deleted += 1
        }
        return deleted
    }

    /// Merges the packs of each domain that are smaller than a quarter of the target size into
    /// one pack, so that many small volume writes do not leave many small files. Returns how
    /// many packs were merged away.
    func mergeSmallPacks(olderThan cutoff: Date) async throws -> Int {
        let limit = writer.targetSize / 4
        let contents = try await index.contents()
        let (indexed, packs) = (contents.blocks, contents.packs)
        let byPack = Dictionary(grouping: indexed, by: \.pack)
        var merged = 0
        for (domain, small) in Dictionary(grouping: packs.filter { $0.size < limit && $0.createdAt < cutoff }, by: \.domain) where small.count > 1 {
            let blocks = small.flatMap { byPack[$0.name] ?? [] }
            _ = try await repack(blocks, domain: domain, replacing: blocks, packs: small.map(\.name))
            merged += small.count
        }
        return merged
    }

    /// Copies the surviving entries of `pack` into a new pack, indexes them there, then
    /// deletes the old pack. Returns the new pack's size.
    private func rewrite(_ pack: PackRecord, keeping survivors: [IndexedBlock], allBlocks: [IndexedBlock]) async throws -> Int {
        try await repack(survivors, domain: pack.domain, replacing: allBlocks, packs: [pack.name])
    }

    /// Copies the entries of `blocks` (header and stored bytes, unchanged) into one new pack,
    /// makes it durable, swaps the index rows of `replaced` and the old `packs` for the new ones
    /// in one transaction, then deletes the old pack objects. Returns the new pack's size.
    private func repack(_ blocks: [IndexedBlock], domain: String, replacing replaced: [IndexedBlock], packs: [String]) async throws -> Int {
        let name = PackWriter.newPackName(domain: domain)
        var bytes: [UInt8] = []
        var moved: [IndexedBlock] = []
        for block in blocks {
            let entry = try await blobs.read(
                block.pack,
                offset: block.offset - PackWriter.headerSize,
                length: block.storedLength + PackWriter.headerSize
            )
            var relocated = block
            relocated.pack = name
            relocated.offset = bytes.count + PackWriter.headerSize
            bytes.append(contentsOf: entry)
            moved.append(relocated)
        }
        try await blobs.write(name, bytes)
        let record = PackRecord(name: name, domain: domain, size: bytes.count, createdAt: clock.now)
        try await index.replace(replaced, deletedPacks: packs, adding: (record, moved))
        for pack in packs { try await blobs.delete(pack) }
        return bytes.count
    }

    /// Reads back every stored block, decodes it and checks its SHA-256; checks that every
    /// block a snapshot or volume refers to is indexed and every indexed pack exists.
    package func verify() async throws -> VerifyReport {
        try await exclusively { try await check() }
    }

    /// A damaged block's problem, with the snapshots and volumes whose blocks it is.
    private func damage(_ block: IndexedBlock, _ problem: String) async throws -> String {
        let holders = try await index.holders(of: block.id, domain: block.domain, limit: 10)
        let held = holders.isEmpty ? "no snapshot or volume refers to it" : holders.map { "\($0.owner) block \($0.index)" }.joined(separator: ", ")
        return "block \(block.id) in \(block.pack): \(problem) (damaged in: \(held))"
    }

    private func check() async throws -> VerifyReport {
        let (contents, referenced) = try await index.contentsAndReferences()
        let (indexed, packs) = (contents.blocks, contents.packs)
        var report = VerifyReport()
        let objects = Set(try await blobs.list(prefix: "packs/"))
        for pack in packs {
            report.packsChecked += 1
            if !objects.contains(pack.name) { report.problems.append("pack \(pack.name) is indexed but missing") }
        }
        for block in indexed where objects.contains(block.pack) {
            do {
                let sealKey = block.codec.sealed ? try await keyring.keys(forDomainID: block.domain).seal : nil
                let entry = try await blobs.read(
                    block.pack,
                    offset: block.offset - PackWriter.headerSize,
                    length: block.storedLength + PackWriter.headerSize
                )
                if let problem = PackWriter.checkHeader(entry, for: block) {
                    report.problems.append(try await damage(block, String(describing: problem)))
                    continue
                }
                let plaintext = try BlockEncoding.decode(Array(entry.dropFirst(PackWriter.headerSize)), block: block, sealKey: sealKey)
                if Array(SHA256.hash(data: plaintext)) != block.sha256 {
                    report.problems.append(try await damage(block, "does not match its SHA-256"))
                }
                report.blocksChecked += 1
                report.bytesChecked += plaintext.count
            } catch {
                report.problems.append(try await damage(block, String(describing: error)))
            }
        }
        let indexedKeys = Set(indexed.map { "\($0.domain)|\($0.id)" })
        for reference in referenced where reference.id != .zero && !indexedKeys.contains("\(reference.domain)|\(reference.id)") {
            report.problems.append("block \(reference.id) of \(reference.domain) is referenced but not stored")
        }
        return report
    }
}
