import Foundation
import KilnCore

/// How a volume export makes writes durable: a flush, a checkpoint, and the replay of a
/// journal that an earlier Kiln left behind.
extension VolumeExport {
    /// Makes every write so far durable. Blocks mostly rewritten since they were stored, and
    /// in no journal record, are stored again; the small changes of the others go to the
    /// journal. A journal grown past ``journalLimit`` ends the flush with a checkpoint. A
    /// destage that runs is waited for first.
    func flushChanges(_ state: inout State) throws {
        settleDestage(&state)
        guard let journal else { return try store(state.dirtyIndexes, in: &state) }
        var stored: [Int] = []
        var journaling: [Int] = []
        for (index, entry) in state.blocks where !entry.unjournaled.isEmpty {
            if entry.storedWholeAtFlush { stored.append(index) } else { journaling.append(index) }
        }
        try store(stored, in: &state)
        let records = journaling.sorted().flatMap { index in
            (state.blocks[index]?.unjournaled ?? []).map { VolumeJournal.Record(blockIndex: index, within: $0.within, bytes: $0.bytes) }
        }
        try journal.append(records)
        for index in journaling {
            state.update(index) { entry in
                entry.unjournaled = []
                entry.unjournaledBytes = 0
                entry.journaled = true
            }
        }
        if journal.size >= Self.journalLimit { try checkpoint(&state) }
    }

    /// Stores every changed block, then empties the journal; after the destage that runs.
    func checkpoint(_ state: inout State) throws {
        settleDestage(&state)
        try store(state.dirtyIndexes, in: &state)
        try journal?.reset()
    }

    /// Stores the blocks `indexes`, durably, in one commit: those still waiting for their
    /// stored bytes first receive them (their fetches run in parallel). A block encoded ahead
    /// of the flush (see ``encodeAhead(_:in:)``) and not written since is only committed; the
    /// others are encoded now, in parallel.
    func store(_ indexes: [Int], in state: inout State) throws {
        guard !indexes.isEmpty else { return }
        fetchMissing(indexes, in: &state)
        var encodings: [Task<BlockEntry, any Error>] = []
        for index in indexes.sorted() {
            let bytes = try block(index, in: &state)
            let ahead = state.encodings.removeValue(forKey: index)
            if let ahead, isCurrent(ahead, of: index, in: state) {
                encodings.append(ahead.task)
            } else {
                encodings.append(encode(index, bytes))
            }
        }
        let volume = self.volume
        let volumes = self.volumes
        let pending = encodings
        try Blocking.run {
            var entries: [BlockEntry] = []
            for encoding in pending { entries.append(try await encoding.value) }
            try await volumes.commitDeviceEntries(volume, entries)
        }
        for index in indexes { state.update(index) { $0.markStored() } }
    }

    /// Starts encoding block `index` while the guest goes on writing, when the write that
    /// just reached its last byte leaves it to be stored whole at the next flush. A guest
    /// writing sequentially then finds, at its flush, its blocks hashed, compressed and in
    /// the block store already, and waits only for their commit. A block written again
    /// before the flush is encoded again; the earlier encoding is left for garbage collection
    /// to reclaim, as an interrupted flush's would be.
    func encodeAhead(_ index: Int, in state: inout State) {
        guard let entry = state.blocks[index], let bytes = entry.bytes, entry.storedWholeAtFlush,
            state.encodings[index]?.version != entry.version
        else { return }
        state.encodings[index] = State.Encoding(version: entry.version, started: volumes.context.clock.now, task: encode(index, bytes))
    }

    /// Whether `encoding`, of block `index`, may be committed for it: the block has not been
    /// written since the encoding started, and the encoding is younger than
    /// ``encodingLifetime``.
    func isCurrent(_ encoding: State.Encoding, of index: Int, in state: State) -> Bool {
        encoding.version == state.blocks[index]?.version && volumes.context.clock.now.timeIntervalSince(encoding.started) < Self.encodingLifetime
    }

    /// Starts encoding block `index`, holding `bytes`, into the block store.
    private func encode(_ index: Int, _ bytes: [UInt8]) -> Task<BlockEntry, any Error> {
        let volume = self.volume
        let volumes = self.volumes
        return Task { try await volumes.encodeDeviceBlock(volume, index: index, bytes: bytes) }
    }

    /// The journal of `volumeID` under `directory`, after storing what an earlier Kiln left
    /// in it (see ``replayJournal(at:volumeID:volumes:)``).
    static func openJournal(in directory: URL, volumeID: String, volumes: VolumeService) async throws -> VolumeJournal {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = journalPath(in: directory, volumeID: volumeID)
        try await replayJournal(at: path, volumeID: volumeID, volumes: volumes)
        return try VolumeJournal(path: path)
    }

    /// Where the journal of `volumeID` is kept under `directory`.
    static func journalPath(in directory: URL, volumeID: String) -> String {
        directory.appendingPathComponent("\(volumeID).journal").path
    }

    /// The blocks a replay stores in one commit.
    static let replayBatch = 64

    /// Stores the writes a journal holds in its volume's blocks, then removes the journal.
    /// A journal whose volume no longer exists is removed. Replaying is safe after a crash
    /// in an earlier replay or checkpoint: the last write to each byte wins either way.
    static func replayJournal(at path: String, volumeID: String, volumes: VolumeService) async throws {
        let records = try VolumeJournal.records(at: path)
        if !records.isEmpty {
            let volume: Volume
            do {
                volume = try await volumes.deviceVolume(volumeID)
            } catch let error as CloudError where error == CloudError.volumeNotFound([volumeID]) {
                try? FileManager.default.removeItem(atPath: path)
                return
            }
            var patches: [Int: [CachedBlock.Patch]] = [:]
            for record in records { patches[record.blockIndex, default: []].append(.init(within: record.within, bytes: record.bytes)) }
            let indexes = patches.keys.sorted()
            for start in stride(from: 0, to: indexes.count, by: replayBatch) {
                var changed: [(index: Int, bytes: [UInt8])] = []
                for index in indexes[start..<min(start + replayBatch, indexes.count)] {
                    let stored = try await volumes.readDeviceBlock(volume, index: index)
                    changed.append((index, CachedBlock.merging(patches[index] ?? [], onto: stored)))
                }
                try await volumes.commitDeviceBlocks(volume, changed)
            }
        }
        try? FileManager.default.removeItem(atPath: path)
    }
}
