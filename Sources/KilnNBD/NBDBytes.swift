/// Big-endian reading and writing of the protocol's integers.
struct NBDBytes {
    /// Appends `value` in network byte order.
    static func append<Integer: FixedWidthInteger>(_ value: Integer, to bytes: inout [UInt8]) {
        var big = value.bigEndian
        withUnsafeBytes(of: &big) { bytes.append(contentsOf: $0) }
    }

    /// The integer at `offset` of `bytes`, read in network byte order.
    static func read<Integer: FixedWidthInteger>(_ type: Integer.Type, from bytes: ArraySlice<UInt8>, at offset: Int) -> Integer {
        var value: Integer = 0
        let start = bytes.startIndex + offset
        for index in start..<(start + MemoryLayout<Integer>.size) {
            value = (value << 8) | Integer(bytes[index])
        }
        return value
    }
}
