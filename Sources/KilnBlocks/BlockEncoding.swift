import Crypto
import Foundation
import KilnCore

/// How one block is turned into the bytes a pack stores, and back.
///
/// Plaintext is compressed with zstd when that saves space, then, in an encrypted domain,
/// sealed with AES-256-GCM; the associated data binds the sealed bytes to their domain,
/// block id, codec and length, so a block cannot be passed off as another.
package enum BlockEncoding {
    /// A block ready to go into a pack.
    struct Encoded: Sendable {
        var codec: BlockCodecID
        var bytes: [UInt8]
    }

    static func encode(_ plaintext: [UInt8], id: BlockID, domain: EncryptionDomain, sealKey: SymmetricKey?) throws -> Encoded {
        let compressed = Zstd.compress(plaintext)
        let codec = BlockCodecID(compressed: compressed != nil, sealed: sealKey != nil)
        let payload = compressed ?? plaintext
        guard let sealKey else { return Encoded(codec: codec, bytes: payload) }
        let box = try AES.GCM.seal(
            payload,
            using: sealKey,
            authenticating: associatedData(id: id, domain: domain.id, codec: codec, length: plaintext.count)
        )
        guard let combined = box.combined else { throw BlockStoreError.corrupt("cannot seal a block") }
        return Encoded(codec: codec, bytes: [UInt8](combined))
    }

    package static func decode(_ stored: [UInt8], block: IndexedBlock, sealKey: SymmetricKey?) throws -> [UInt8] {
        var payload = stored
        if block.codec.sealed {
            guard let sealKey else { throw BlockStoreError.corrupt("block \(block.id) is sealed but its domain has no key") }
            do {
                let box = try AES.GCM.SealedBox(combined: stored)
                payload = [UInt8](
                    try AES.GCM.open(
                        box,
                        using: sealKey,
                        authenticating: associatedData(id: block.id, domain: block.domain, codec: block.codec, length: block.plainLength)
                    )
                )
            } catch {
                throw BlockStoreError.corrupt("block \(block.id) in \(block.pack) does not open with its domain key")
            }
        }
        if block.codec.compressed {
            return try Zstd.decompress(payload, length: block.plainLength)
        }
        guard payload.count == block.plainLength else {
            throw BlockStoreError.corrupt("block \(block.id) is \(payload.count) bytes, expected \(block.plainLength)")
        }
        return payload
    }

    static func associatedData(id: BlockID, domain: String, codec: BlockCodecID, length: Int) -> [UInt8] {
        var bytes = Array(domain.utf8)
        bytes.append(0)
        bytes.append(contentsOf: id.bytes)
        bytes.append(codec.rawValue)
        withUnsafeBytes(of: UInt32(length).littleEndian) { bytes.append(contentsOf: $0) }
        return bytes
    }
}
