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

    /// Stores whole blocks of a machine's disk: their data durable in the block store, then
    /// their entries in one metadata transaction. A snapshot taken afterwards holds them.
    /// Blocks are hashed, compressed and sealed a few at a time in parallel.
    package func commitDeviceBlocks(_ volume: Volume, _ changed: [(index: Int, bytes: [UInt8])]) async throws {
        guard !changed.isEmpty else { return }
        let blocks = self.blocks
        let domain = volume.domain
        let entries = try await withThrowingTaskGroup(of: BlockEntry.self) { group in
            var entries: [BlockEntry] = []
            entries.reserveCapacity(changed.count)
            var next = changed.startIndex
            func addNext() {
                guard next < changed.endIndex else { return }
                let (index, block) = changed[next]
                next += 1
                group.addTask {
                    precondition(block.count == Block.size, "a device block is exactly one block")
                    let digest = Array(SHA256.hash(data: block))
                    if Block.isZero(block) { return BlockEntry(index: index, id: .zero, sha256: digest) }
                    let id = try await blocks.put(block, sha256: digest, domain: domain)
                    return BlockEntry(index: index, id: id, sha256: digest, changeDigest: ChangeDigest.of(block))
                }
            }
            for _ in 0..<Self.parallelCommits { addNext() }
            while let entry = try await group.next() {
                entries.append(entry)
                addNext()
            }
            return entries
        }
        try await blocks.flush()
        let domainID = volume.domain.id
        let written = entries
        let volumeID = volume.id
        try await store.write { transaction in
            guard let current = try transaction.fetch(Volume.self, id: volumeID), current.state != .deleting else {
                throw CloudError.volumeNotFound([volumeID])
            }
            try transaction.putBlockEntries(written, of: volumeID, domain: domainID)
        }
    }
}
