/// The fixed block size of EBS snapshots and of Kiln's store: 512 KiB.
package enum Block {
    /// Bytes in a block.
    package static let size = 524_288
    /// Blocks in one GiB.
    package static let perGiB = 2_048

    /// Whether every byte of `bytes` is zero: such blocks are never stored.
    ///
    /// Compares eight bytes at a time: it runs for every block of every upload.
    package static func isZero(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes(isZero)
    }

    /// Whether every byte in `raw` is zero.
    ///
    /// Words are OR-ed together 64 at a time (512 bytes, a loop the compiler vectorises), and
    /// the answer is checked after each run: data that is not zero is usually found so in its
    /// first 512 bytes, without reading the rest.
    package static func isZero(_ raw: UnsafeRawBufferPointer) -> Bool {
        let runBytes = 512
        var offset = 0
        while offset + runBytes <= raw.count {
            var accumulated: UInt64 = 0
            for word in 0..<(runBytes / 8) {
                accumulated |= raw.loadUnaligned(fromByteOffset: offset + word * 8, as: UInt64.self)
            }
            if accumulated != 0 { return false }
            offset += runBytes
        }
        var accumulated: UInt8 = 0
        for index in offset..<raw.count { accumulated |= raw[index] }
        return accumulated == 0
    }
}

/// A stored block's identity within its encryption domain: 32 bytes.
///
/// For unencrypted data it is the SHA-256 of the plaintext; in an encrypted domain it is an
/// HMAC of that SHA-256 under the domain's key, so the index holds no plaintext digests.
package struct BlockID: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The 32 bytes.
    package let bytes: [UInt8]

    /// Wraps 32 bytes.
    package init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Lower-case hex.
    package var description: String { Hex.encode(bytes) }

    /// Stands in a volume's map for a block written all zeros over its snapshot's data:
    /// a tombstone, never stored (no SHA-256 or HMAC is 32 zero bytes in practice).
    package static let zero = BlockID([UInt8](repeating: 0, count: 32))
}

/// One block of a snapshot's or a volume's map: where it is and what its plaintext hashes to.
package struct BlockEntry: Sendable, Hashable, Codable {
    /// The block's position: byte offset / 512 KiB.
    package var index: Int
    /// The stored block.
    package var id: BlockID
    /// The SHA-256 of the block's plaintext, as EBS direct clients check it.
    package var sha256: [UInt8]
    /// The ``ChangeDigest`` of the block's plaintext; `nil` for zero blocks and for blocks
    /// mapped before Kiln kept it.
    package var changeDigest: [UInt8]?

    /// Describes a mapped block.
    package init(index: Int, id: BlockID, sha256: [UInt8], changeDigest: [UInt8]? = nil) {
        self.index = index
        self.id = id
        self.sha256 = sha256
        self.changeDigest = changeDigest
    }
}

/// Hex encoding.
package enum Hex {
    /// Lower-case hex of `bytes`.
    package static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var output: [UInt8] = []
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes of a hex string; `nil` if it is not hex.
    package static func decode(_ text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(characters.count / 2)
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        var index = 0
        while index < characters.count {
            guard let high = value(characters[index]), let low = value(characters[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }
}
