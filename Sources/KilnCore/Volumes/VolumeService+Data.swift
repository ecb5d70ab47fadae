import Crypto
import Foundation

/// Kiln's extension for a volume's bytes: read and write at an offset, so that tests and
/// users can change a disk and see the change in the snapshots and images made from it.
extension VolumeService {
    /// The plaintext of block `index` of `volume`: what was written to it, else what its
    /// snapshot holds, else zeros. A block the store cannot read back is reported as damaged,
    /// with the volume and, for a block it shares with its snapshot, the snapshot.
    func volumeBlock(_ volume: Volume, index: Int) async throws -> [UInt8] {
        let (own, inherited) = try await store.read { transaction -> (BlockEntry?, BlockEntry?) in
            if let own = try transaction.blockEntry(of: volume.id, at: index) { return (own, nil) }
            guard let sourceID = volume.snapshotID else { return (nil, nil) }
            return (nil, try transaction.blockEntry(of: sourceID, at: index))
        }
        if let own {
            guard own.id != .zero else { return [UInt8](repeating: 0, count: Block.size) }
            return try await blocks.read(own.id, domain: volume.domain) { cause in
                CloudError.damagedVolumeBlock(volumeID: volume.id, snapshotID: nil, index: index, cause: cause)
            }
        }
        if let inherited, let sourceDomain = volume.sourceDomain {
            return try await blocks.read(inherited.id, domain: sourceDomain) { cause in
                CloudError.damagedVolumeBlock(volumeID: volume.id, snapshotID: volume.snapshotID, index: index, cause: cause)
            }
        }
        return [UInt8](repeating: 0, count: Block.size)
    }

    /// Reads `length` bytes of a volume from `offset`.
    package func readVolume(_ caller: Caller, volumeID: String, offset: Int, length: Int) async throws -> [UInt8] {
        let volume = try await read(caller) { try self.dataVolume(volumeID, caller: caller, in: $0) }
        try Self.checkRange(offset: offset, length: length, volume: volume)
        try await context.runtime.settleVolumes([volume.id])
        var output: [UInt8] = []
        output.reserveCapacity(length)
        var position = offset
        while position < offset + length {
            let index = position / Block.size
            let within = position % Block.size
            let take = min(Block.size - within, offset + length - position)
            let block = try await volumeBlock(volume, index: index)
            output.append(contentsOf: block[within..<within + take])
            position += take
        }
        return output
    }

    /// Writes `data` into a volume at `offset`; the bytes are durable when it returns.
    package func writeVolume(_ caller: Caller, volumeID: String, offset: Int, data: [UInt8]) async throws {
        let volume = try await read(caller) { try self.dataVolume(volumeID, caller: caller, in: $0) }
        guard volume.state == .available || volume.state == .inUse else {
            throw CloudError.volumeInState(volumeID, volume.state.rawValue)
        }
        try Self.checkRange(offset: offset, length: data.count, volume: volume)
        var entries: [BlockEntry] = []
        var position = offset
        while position < offset + data.count {
            let index = position / Block.size
            let within = position % Block.size
            let take = min(Block.size - within, offset + data.count - position)
            let source = data[(position - offset)..<(position - offset + take)]
            var block: [UInt8]
            if take == Block.size, data.count == Block.size {
                block = data  // the write is exactly this block: no copy
            } else if take == Block.size {
                block = Array(source)
            } else {
                block = try await volumeBlock(volume, index: index)
                block.replaceSubrange(within..<within + take, with: source)
            }
            let digest = Array(SHA256.hash(data: block))
            if Block.isZero(block) {
                entries.append(BlockEntry(index: index, id: .zero, sha256: digest))
            } else {
                entries.append(
                    BlockEntry(
                        index: index,
                        id: try await blocks.put(block, sha256: digest, domain: volume.domain),
                        sha256: digest,
                        changeDigest: ChangeDigest.of(block)
                    )
                )
            }
            position += take
        }
        try await blocks.flush()
        let domain = volume.domain.id
        let written = entries
        try await write(caller) { transaction in
            _ = try transaction.liveVolume(volume.id, caller: caller)
            try transaction.putBlockEntries(written, of: volume.id, domain: domain)
        }
    }

    static func checkRange(offset: Int, length: Int, volume: Volume) throws {
        let size = volume.size * 1_073_741_824
        guard offset >= 0, length >= 0, offset + length <= size else {
            throw CloudError.invalidParameterValue("The range \(offset)+\(length) is outside volume \(volume.id) of \(volume.size) GiB.")
        }
    }
}
