import Crypto
import Foundation

/// A volume seen as a machine's disk: whole blocks read and written by a runtime, outside
/// any caller's request (the instance's owner made the request that attached it).
extension VolumeService {
    /// How many blocks a commit encodes at once.
    static let parallelCommits = 4

    /// The volume a machine's disk serves, whoever owns it.
    package func deviceVolume(_ id: String) async throws -> Volume {
        guard let volume = try await store.read({ try $0.fetch(Volume.self, id: id) }), volume.state != .deleting else {
            throw CloudError.volumeNotFound([id])
        }
        return volume
    }

    /// The plaintext of block `index` of a machine's disk.
    package func readDeviceBlock(_ volume: Volume, index: Int) async throws -> [UInt8] {
        try await volumeBlock(volume, index: index)
    }

    /// The plaintext of the blocks `indexes` of a machine's disk, each handed to `each` with
    /// its index as soon as it is read: their map entries read in one transaction, their bytes
    /// in parallel. A disk's read-ahead uses it, so that the first block of a batch reaches the
    /// guest without waiting for the last. Throws the first failure; `each` is then not called
    /// for the blocks not yet read.
    package func readDeviceBlocks(_ volume: Volume, indexes: [Int], each: @escaping @Sendable (Int, [UInt8]) -> Void) async throws {
        guard let lowest = indexes.min(), let highest = indexes.max() else { return }
        let span = highest - lowest + 1
        let (own, inherited) = try await store.read { transaction -> ([BlockEntry], [BlockEntry]) in
            let own = try transaction.blockMap(of: volume.id, from: lowest, limit: span)
            let inherited = try volume.snapshotID.map { try transaction.blockMap(of: $0, from: lowest, limit: span) } ?? []
            return (own, inherited)
        }
        let owned = Dictionary(own.map { ($0.index, $0) }, uniquingKeysWith: { first, _ in first })
        let fromSource = Dictionary(inherited.map { ($0.index, $0) }, uniquingKeysWith: { first, _ in first })
        let blocks = self.blocks
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in indexes {
                group.addTask {
                    if let entry = owned[index] {
                        each(index, entry.id == .zero ? Self.zeroBlock : try await blocks.read(entry.id, domain: volume.domain))
                    } else if let entry = fromSource[index], let sourceDomain = volume.sourceDomain {
                        each(index, try await blocks.read(entry.id, domain: sourceDomain))
                    } else {
                        each(index, Self.zeroBlock)
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// A block of zeros.
    static let zeroBlock = [UInt8](repeating: 0, count: Block.size)

    /// Stores whole blocks of a machine's disk: their data durable in the block store, then
    /// their entries in one metadata transaction. A snapshot taken afterwards holds them.
    /// Blocks are hashed, compressed and sealed a few at a time in parallel.
    package func commitDeviceBlocks(_ volume: Volume, _ changed: [(index: Int, bytes: [UInt8])]) async throws {
        guard !changed.isEmpty else { return }
        let entries = try await withThrowingTaskGroup(of: BlockEntry.self) { group in
            var entries: [BlockEntry] = []
            entries.reserveCapacity(changed.count)
            var next = changed.startIndex
            func addNext() {
                guard next < changed.endIndex else { return }
                let (index, block) = changed[next]
                next += 1
                group.addTask { try await self.encodeDeviceBlock(volume, index: index, bytes: block) }
            }
            for _ in 0..<Self.parallelCommits { addNext() }
            while let entry = try await group.next() {
                entries.append(entry)
                addNext()
            }
            return entries
        }
        try await commitDeviceEntries(volume, entries)
    }

    /// Hashes block `index` of a machine's disk, holding `bytes`, and puts it in the block
    /// store: compressed and sealed, but durable only once the store flushes. The entry it
    /// returns maps the block once ``commitDeviceEntries(_:_:)`` records it. A disk encodes
    /// blocks this way while the guest goes on writing, and commits them at its next flush.
    package func encodeDeviceBlock(_ volume: Volume, index: Int, bytes: [UInt8]) async throws -> BlockEntry {
        precondition(bytes.count == Block.size, "a device block is exactly one block")
        let digest = Array(SHA256.hash(data: bytes))
        if Block.isZero(bytes) { return BlockEntry(index: index, id: .zero, sha256: digest) }
        let id = try await blocks.put(bytes, sha256: digest, domain: volume.domain)
        return BlockEntry(index: index, id: id, sha256: digest, changeDigest: ChangeDigest.of(bytes))
    }

    /// Makes the blocks behind `entries` durable in the block store, then records the entries
    /// in the volume's block map in one metadata transaction.
    package func commitDeviceEntries(_ volume: Volume, _ entries: [BlockEntry]) async throws {
        guard !entries.isEmpty else { return }
        try await blocks.flush()
        let domainID = volume.domain.id
        let volumeID = volume.id
        try await store.write(claiming: volumeID) { transaction in
            guard let current = try transaction.fetch(Volume.self, id: volumeID), current.state != .deleting else {
                throw CloudError.volumeNotFound([volumeID])
            }
            try transaction.putBlockEntries(entries, of: volumeID, domain: domainID)
        }
    }
}
