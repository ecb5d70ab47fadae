import Crypto
import Foundation
import KilnCore
import Synchronization

/// Kiln's ``BlockStore``: blocks deduplicated per encryption domain, compressed with zstd,
/// sealed with AES-256-GCM in encrypted domains, and gathered into pack objects in a
/// ``BlobStore``, with their ``BlockIndex`` kept by the metadata store.
///
/// Hashing, compression and sealing run on the calling task, so concurrent uploads use
/// every core; only appending to a pack is serialised.
package final class PackedBlockStore: BlockStore {
    let index: any BlockIndex
    let blobs: any BlobStore
    let keyring: Keyring
    let writer: PackWriter
    let clock: any Clock
    /// When each block was last found by deduplication: garbage collection spares recent ones.
    let touched = Mutex<[String: Date]>([:])
    /// Whether a garbage collection or a verification is running: they run one at a time.
    let maintenanceRunning = Mutex<Bool>(false)
    /// Where recently read blocks are, to skip their index lookups.
    let locations = BlockLocations()

    /// A block store over `blobs`, indexing in `index`, keys from `keyring`.
    package init(index: any BlockIndex, blobs: any BlobStore, keyring: Keyring, clock: any Clock, packSize: Int = 32 << 20) {
        self.index = index
        self.blobs = blobs
        self.keyring = keyring
        self.clock = clock
        writer = PackWriter(blobs: blobs, index: index, clock: clock, targetSize: packSize)
    }

    package func blockID(sha256: [UInt8], domain: EncryptionDomain) async throws -> BlockID {
        guard domain.isEncrypted else { return BlockID(sha256) }
        let keys = try await keyring.keys(for: domain)
        return BlockID(Array(HMAC<SHA256>.authenticationCode(for: sha256, using: keys.blockID)))
    }

    package func put(_ plaintext: [UInt8], sha256: [UInt8], domain: EncryptionDomain) async throws -> BlockID {
        let id = try await blockID(sha256: sha256, domain: domain)
        if try await contains(id, domain: domain) {
            touch(id, domain: domain.id)
            return id
        }
        let sealKey = domain.isEncrypted ? try await keyring.keys(for: domain).seal : nil
        let encoded = try BlockEncoding.encode(plaintext, id: id, domain: domain, sealKey: sealKey)
        await writer.append(encoded, id: id, sha256: sha256, plainLength: plaintext.count, domain: domain.id)
        return id
    }

    package func contains(_ id: BlockID, domain: EncryptionDomain) async throws -> Bool {
        if await writer.holds(id, domain: domain.id) { return true }
        let domainID = domain.id
        return try await index.indexedBlock(id, domain: domainID) != nil
    }

    package func flush() async throws {
        try await writer.flush()
    }

    package func read(_ id: BlockID, domain: EncryptionDomain) async throws -> [UInt8] {
        let domainID = domain.id
        let sealKey = domain.isEncrypted ? try await keyring.keys(for: domain).seal : nil
        if let (block, stored) = await writer.unindexedBlock(id, domain: domainID) {
            return try BlockEncoding.decode(stored, block: block, sealKey: sealKey)
        }
        let known = locations.location(of: id, domain: domainID)
        var found = known
        if found == nil { found = try await index.indexedBlock(id, domain: domainID) }
        guard let indexed = found else {
            throw BlockStoreError.missing("block \(id) is not in \(domainID)")
        }
        let (block, stored) = try await storedBytes(of: indexed)
        if block != known { locations.record(block) }
        return try BlockEncoding.decode(stored, block: block, sealKey: sealKey)
    }

    /// The stored bytes of an indexed block, and where they were found. A garbage collection
    /// may move the block to a new pack, and delete the old one, between the index read and
    /// the pack read: then the index is read again and the block read from its new place.
    func storedBytes(of block: IndexedBlock) async throws -> (IndexedBlock, [UInt8]) {
        do {
            return (block, try await blobs.read(block.pack, offset: block.offset, length: block.storedLength))
        } catch {
            guard let moved = try await index.indexedBlock(block.id, domain: block.domain), moved.pack != block.pack else { throw error }
            return (moved, try await blobs.read(moved.pack, offset: moved.offset, length: moved.storedLength))
        }
    }

    /// Moves a block's compressed form from one domain to another: opened with the source
    /// domain's key and sealed with the target's when either is encrypted, but never
    /// decompressed, re-compressed or re-hashed. A copy across regions costs a read, AES-GCM
    /// where needed, and an append.
    package func copy(_ id: BlockID, sha256: [UInt8], from source: EncryptionDomain, to target: EncryptionDomain) async throws -> BlockID {
        let targetID = try await blockID(sha256: sha256, domain: target)
        if try await contains(targetID, domain: target) {
            touch(targetID, domain: target.id)
            return targetID
        }
        let sourceID = source.id
        let block: IndexedBlock
        let stored: [UInt8]
        if let (pending, bytes) = await writer.unindexedBlock(id, domain: sourceID) {
            (block, stored) = (pending, bytes)
        } else {
            guard let indexed = try await index.indexedBlock(id, domain: sourceID) else {
                throw BlockStoreError.missing("block \(id) is not in \(sourceID)")
            }
            (block, stored) = try await storedBytes(of: indexed)
        }
        var payload = stored
        if block.codec.sealed {
            let sealKey = try await keyring.keys(for: source).seal
            let box = try AES.GCM.SealedBox(combined: stored)
            let associated = BlockEncoding.associatedData(id: block.id, domain: block.domain, codec: block.codec, length: block.plainLength)
            payload = [UInt8](try AES.GCM.open(box, using: sealKey, authenticating: associated))
        }
        let codec = BlockCodecID(compressed: block.codec.compressed, sealed: target.isEncrypted)
        var bytes = payload
        if target.isEncrypted {
            let sealKey = try await keyring.keys(for: target).seal
            let associated = BlockEncoding.associatedData(id: targetID, domain: target.id, codec: codec, length: block.plainLength)
            guard let combined = try AES.GCM.seal(payload, using: sealKey, authenticating: associated).combined else {
                throw BlockStoreError.corrupt("cannot seal a block")
            }
            bytes = [UInt8](combined)
        }
        await writer.append(
            BlockEncoding.Encoded(codec: codec, bytes: bytes),
            id: targetID,
            sha256: sha256,
            plainLength: block.plainLength,
            domain: target.id
        )
        return targetID
    }

    func touch(_ id: BlockID, domain: String) {
        let now = clock.now
        touched.withLock { $0["\(domain)|\(id)"] = now }
    }
}
