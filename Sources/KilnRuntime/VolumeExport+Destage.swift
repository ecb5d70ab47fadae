import KilnCore
import Synchronization

/// How a volume export stores blocks in the background, between the guest's flushes.
///
/// A commit of changed blocks syncs the block store and the metadata store: tens of
/// milliseconds for a batch. A guest writing sequentially would wait for one at every
/// checkpoint that the cache's size forces. Instead, once ``destageBatch`` blocks are
/// encoded ahead (see ``encodeAhead(_:in:)``), a task of their own commits them while the
/// guest goes on writing, as a disk's write cache destages on its own. A disk may make a
/// write durable at any time before the flush that asks for it, so this changes nothing
/// that a guest or a snapshot can tell.
///
/// Invariants:
/// - at most one destage runs at a time, and a flush or a checkpoint waits for it before
///   its own commit, so commits land in the order of the writes;
/// - a block written again while its destage runs stays changed: only the version the
///   destage committed counts as stored.
extension VolumeExport {
    /// The blocks encoded ahead (16 MiB) that start a destage.
    static let destageBatch = 32

    /// Starts committing the blocks encoded ahead that are still current (see
    /// ``isCurrent(_:of:in:)``), when at least ``destageBatch`` are encoded ahead and no
    /// destage runs.
    func destageIfReady(_ state: inout State) {
        reapDestage(&state)
        guard state.destage == nil, state.encodings.count >= Self.destageBatch else { return }
        let current = state.encodings.filter { isCurrent($0.value, of: $0.key, in: state) }
        state.encodings = [:]
        let volume = self.volume
        let volumes = self.volumes
        let finished = CompletionFlag()
        let task = Task {
            defer { finished.raise() }
            var entries: [BlockEntry] = []
            for (_, encoding) in current.sorted(by: { $0.key < $1.key }) { entries.append(try await encoding.task.value) }
            try await volumes.commitDeviceEntries(volume, entries)
        }
        state.destage = State.Destage(task: task, versions: current.mapValues(\.version), finished: finished)
    }

    /// Waits for the destage that runs, if any, and records what it stored: before a commit
    /// of the export's own, which must land after it.
    func settleDestage(_ state: inout State) {
        guard let destage = state.destage else { return }
        _ = try? Blocking.run { await destage.task.result }
        reapDestage(&state)
    }

    /// Records what a finished destage stored: each block still at the version it committed
    /// is stored. A destage that failed records nothing, and the next flush stores its
    /// blocks again (and reports a failure of its own).
    private func reapDestage(_ state: inout State) {
        guard let destage = state.destage, destage.finished.isRaised else { return }
        state.destage = nil
        let outcome = try? Blocking.run { await destage.task.result }
        guard case .success = outcome else { return }
        for (index, version) in destage.versions where state.blocks[index]?.version == version {
            state.update(index) { $0.markStored() }
        }
    }
}

/// A flag that a task raises when it ends, for a thread to check without waiting.
final class CompletionFlag: Sendable {
    private let raised = Atomic<Bool>(false)

    /// Raises the flag.
    func raise() {
        raised.store(true, ordering: .releasing)
    }

    /// Whether the flag is raised.
    var isRaised: Bool { raised.load(ordering: .acquiring) }
}
