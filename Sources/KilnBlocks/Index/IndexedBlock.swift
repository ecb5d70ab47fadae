import Foundation
import KilnCore

/// Where a stored block is: its pack, its place in the pack, and how it was encoded.
package struct IndexedBlock: Sendable, Equatable {
    /// The block's encryption domain id.
    package var domain: String
    /// The block's id in that domain.
    package var id: BlockID
    /// The pack object holding it.
    package var pack: String
    /// Where its stored bytes start in the pack.
    package var offset: Int
    /// How many bytes it takes in the pack.
    package var storedLength: Int
    /// Its plaintext length (512 KiB).
    package var plainLength: Int
    /// How it is encoded: compressed or not, sealed or not.
    package var codec: BlockCodecID
    /// The plaintext's SHA-256.
    package var sha256: [UInt8]
    /// When it was indexed; garbage collection spares recent blocks.
    package var indexedAt: Date

    /// Describes an indexed block.
    package init(
        domain: String,
        id: BlockID,
        pack: String,
        offset: Int,
        storedLength: Int,
        plainLength: Int,
        codec: BlockCodecID,
        sha256: [UInt8],
        indexedAt: Date
    ) {
        self.domain = domain
        self.id = id
        self.pack = pack
        self.offset = offset
        self.storedLength = storedLength
        self.plainLength = plainLength
        self.codec = codec
        self.sha256 = sha256
        self.indexedAt = indexedAt
    }
}

/// How a block's bytes are encoded in a pack.
package struct BlockCodecID: Sendable, Hashable, Codable {
    /// Whether the bytes are zstd-compressed (else stored as they came).
    package var compressed: Bool
    /// Whether the bytes are sealed with AES-256-GCM (nonce first, tag last).
    package var sealed: Bool

    /// Describes a codec.
    package init(compressed: Bool, sealed: Bool) {
        self.compressed = compressed
        self.sealed = sealed
    }

    /// The codec as one byte: bit 0 compressed, bit 1 sealed.
    package var rawValue: UInt8 { (compressed ? 1 : 0) | (sealed ? 2 : 0) }

    /// The codec of a byte written by ``rawValue``.
    package init(rawValue: UInt8) {
        compressed = rawValue & 1 != 0
        sealed = rawValue & 2 != 0
    }
}

/// A durable pack object.
package struct PackRecord: Sendable, Equatable {
    /// The object's name in the blob store.
    package var name: String
    /// The encryption domain of every block in it.
    package var domain: String
    /// Its size in bytes.
    package var size: Int
    /// When it was written.
    package var createdAt: Date

    /// Describes a pack.
    package init(name: String, domain: String, size: Int, createdAt: Date) {
        self.name = name
        self.domain = domain
        self.size = size
        self.createdAt = createdAt
    }
}
