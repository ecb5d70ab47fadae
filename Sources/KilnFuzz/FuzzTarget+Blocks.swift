import Crypto
import Foundation
import KilnBlocks
import KilnCore

extension FuzzTarget {
    private static let sealKey = SymmetricKey(data: [UInt8](repeating: 9, count: 32))

    /// A pack entry as the block store reads it back: the 48-byte header checked against the
    /// index row it names, then the stored bytes decoded (opened, decompressed) to the
    /// plaintext length the header gives.
    static let packEntry = FuzzTarget("pack-entry") { bytes in
        guard bytes.count >= PackWriter.headerSize else {
            _ = PackWriter.checkHeader(bytes, for: block(codec: 0, plainLength: 0, storedLength: bytes.count, id: []))
            return
        }
        func word(_ at: Int) -> Int { bytes[at..<at + 4].reversed().reduce(0) { $0 << 8 | Int($1) } }
        // Plaintext lengths up to one block, as the index never holds more.
        let plainLength = word(8) % (Block.size + 1)
        let stored = Array(bytes[PackWriter.headerSize...])
        let indexed = block(codec: bytes[4], plainLength: plainLength, storedLength: stored.count, id: Array(bytes[16..<48]))
        _ = PackWriter.checkHeader(bytes, for: indexed)
        _ = try? BlockEncoding.decode(stored, block: indexed, sealKey: sealKey)
        _ = try? BlockEncoding.decode(stored, block: indexed, sealKey: nil)
    }

    private static func block(codec: UInt8, plainLength: Int, storedLength: Int, id: [UInt8]) -> IndexedBlock {
        IndexedBlock(
            domain: "fuzz",
            id: BlockID(id),
            pack: "packs/fuzz.pack",
            offset: PackWriter.headerSize,
            storedLength: storedLength,
            plainLength: plainLength,
            codec: BlockCodecID(rawValue: codec),
            sha256: [],
            indexedAt: Date(timeIntervalSince1970: 0)
        )
    }
}
