/// Little-endian integers out of on-disk structures.
extension Array where Element == UInt8 {
    /// The unsigned 16-bit integer at `offset`; zero past the end.
    func u16(_ offset: Int) -> Int {
        guard offset + 2 <= count else { return 0 }
        return Int(self[offset]) | Int(self[offset + 1]) << 8
    }

    /// The unsigned 32-bit integer at `offset`; zero past the end.
    func u32(_ offset: Int) -> Int {
        guard offset + 4 <= count else { return 0 }
        return u16(offset) | u16(offset + 2) << 16
    }

    /// The unsigned 64-bit integer at `offset` (as an `Int`; disks are smaller than 2^63 bytes).
    func u64(_ offset: Int) -> Int {
        guard offset + 8 <= count else { return 0 }
        return u32(offset) | (u32(offset + 4) & 0x7FFF_FFFF) << 32
    }

    /// Whether `needle` occurs in the bytes.
    func contains(_ needle: [UInt8]) -> Bool {
        firstIndex(of: needle, from: 0) != nil
    }

    /// Where `needle` first occurs at or after `start`.
    func firstIndex(of needle: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, needle.count <= count else { return nil }
        var index = start
        let last = count - needle.count
        while index <= last {
            if self[index] == first {
                var matched = true
                for offset in 1..<needle.count where self[index + offset] != needle[offset] {
                    matched = false
                    break
                }
                if matched { return index }
            }
            index += 1
        }
        return nil
    }
}
