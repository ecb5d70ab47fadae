import CZstd
import Synchronization

/// zstd compression of single blocks, through the system's libzstd.
///
/// Compression and decompression contexts are pooled: creating one per block costs an
/// allocation and a table initialisation that showed up in profiles of large imports.
enum Zstd {
    /// Level 1: the fastest of zstd's regular levels, 2.7× on disk images on this kind of machine.
    static let level: Int32 = 1

    /// A compression context for one caller at a time.
    struct CompressionContext: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    /// A decompression context for one caller at a time.
    struct DecompressionContext: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    private static let compressors = Mutex<[CompressionContext]>([])
    private static let decompressors = Mutex<[DecompressionContext]>([])

    /// The slices a sample takes from a large input, and their length.
    static let sampleSlices = 8
    static let sampleSliceLength = 4096

    /// `input` compressed, or `nil` when compressing does not save at least 3%: such blocks
    /// (random or already-compressed data) are stored as they came.
    ///
    /// A large input is first judged by a sample (``sampleSlices`` slices spread evenly over
    /// it): when the sample does not compress, neither does the whole in practice, and the
    /// whole's compression, which costs most on exactly such data, is skipped.
    static func compress(_ input: [UInt8]) -> [UInt8]? {
        let context = compressors.withLock { $0.popLast() } ?? ZSTD_createCCtx().map(CompressionContext.init)
        guard let context else { return nil }
        defer { compressors.withLock { $0.append(context) } }
        if input.count >= 4 * sampleSlices * sampleSliceLength, compress(sample(of: input), with: context) == nil {
            return nil
        }
        return compress(input, with: context)
    }

    /// `sampleSlices` slices of `input`, spread evenly from its start to its end, end to end.
    static func sample(of input: [UInt8]) -> [UInt8] {
        let stride = (input.count - sampleSliceLength) / (sampleSlices - 1)
        var sample: [UInt8] = []
        sample.reserveCapacity(sampleSlices * sampleSliceLength)
        for slice in 0..<sampleSlices {
            sample.append(contentsOf: input[slice * stride..<slice * stride + sampleSliceLength])
        }
        return sample
    }

    /// `input` compressed with `context`, or `nil` when that does not save at least 3%.
    private static func compress(_ input: [UInt8], with context: CompressionContext) -> [UInt8]? {
        let bound = ZSTD_compressBound(input.count)
        var failed = false
        let output = [UInt8](unsafeUninitializedCapacity: bound) { buffer, count in
            let written = input.withUnsafeBytes { source in
                ZSTD_compressCCtx(context.pointer, buffer.baseAddress, bound, source.baseAddress, source.count, level)
            }
            failed = ZSTD_isError(written) != 0
            count = failed ? 0 : written
        }
        guard !failed, output.count < input.count - input.count / 32 else { return nil }
        return output
    }

    /// Decompresses `input`, which must expand to exactly `length` bytes.
    static func decompress(_ input: [UInt8], length: Int) throws -> [UInt8] {
        let context = decompressors.withLock { $0.popLast() } ?? ZSTD_createDCtx().map(DecompressionContext.init)
        guard let context else { throw BlockStoreError.corrupt("zstd could not make a decompression context") }
        defer { decompressors.withLock { $0.append(context) } }
        var written = 0
        let output = [UInt8](unsafeUninitializedCapacity: length) { buffer, count in
            written = input.withUnsafeBytes { source in
                ZSTD_decompressDCtx(context.pointer, buffer.baseAddress, length, source.baseAddress, source.count)
            }
            count = ZSTD_isError(written) == 0 && written == length ? length : 0
        }
        guard ZSTD_isError(written) == 0, written == length, output.count == length else {
            throw BlockStoreError.corrupt("zstd could not decompress a block to \(length) bytes")
        }
        return output
    }
}
