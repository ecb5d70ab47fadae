import Foundation
import KilnCore

/// Where a stored block is: its pack, its place in the pack, and how it was encoded.
public struct IndexedBlock: Sendable, Equatable {
    /// The block's encryption domain id.
    public var domain: String
    /// The block's id in that domain.
    public var id: BlockID
    /// The pack object holding it.
    public var pack: String
    /// Where its stored bytes start in the pack.
    public var offset: Int
    /// How many bytes it takes in the pack.
    public var storedLength: Int
    /// Its plaintext length (512 KiB).
    public var plainLength: Int
    /// How it is encoded: compressed or not, sealed or not.
    public var codec: BlockCodecID
    /// The plaintext's SHA-256.
    public var sha256: [UInt8]
    /// When it was indexed; garbage collection spares recent blocks.
    public var indexedAt: Date

    /// Describes an indexed block.
    public init(domain: String, id: BlockID, pack: String, offset: Int, storedLength: Int, plainLength: Int, codec: BlockCodecID, sha256: [UInt8], indexedAt: Date) {
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
public struct BlockCodecID: Sendable, Hashable, Codable {
    /// Whether the bytes are zstd-compressed (else stored as they came).
    public var compressed: Bool
    /// Whether the bytes are sealed with AES-256-GCM (nonce first, tag last).
    public var sealed: Bool

    /// Describes a codec.
    public init(compressed: Bool, sealed: Bool) {
        self.compressed = compressed
        self.sealed = sealed
    }

    /// The codec as one byte: bit 0 compressed, bit 1 sealed.
    public var rawValue: UInt8 { (compressed ? 1 : 0) | (sealed ? 2 : 0) }

    /// The codec of a byte written by ``rawValue``.
    public init(rawValue: UInt8) {
        compressed = rawValue & 1 != 0
        sealed = rawValue & 2 != 0
    }
}

/// A durable pack object.
public struct PackRecord: Sendable, Equatable {
    /// The object's name in the blob store.
    public var name: String
    /// The encryption domain of every block in it.
    public var domain: String
    /// Its size in bytes.
    public var size: Int
    /// When it was written.
    public var createdAt: Date

    /// Describes a pack.
    public init(name: String, domain: String, size: Int, createdAt: Date) {
        self.name = name
        self.domain = domain
        self.size = size
        self.createdAt = createdAt
    }
}
