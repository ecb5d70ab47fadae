import NIOCore

extension AsyncSequence where Element == ByteBuffer {
    /// The bytes of every buffer in the sequence, in one array of at most `limit` bytes,
    /// reserved up front from `declaredLength` (an HTTP body's Content-Length) when there is one.
    ///
    /// A 512 KiB block is copied once. NIO's `collect(upTo:)` grows a buffer as the pieces
    /// arrive, copying it again at each growth, and an array then had to be copied out of it.
    ///
    /// Throws `NIOTooManyBytesError` when the sequence holds more than `limit` bytes.
    package func collectBytes(upTo limit: Int, declaredLength: Int?) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Swift.min(Swift.max(declaredLength ?? 0, 0), limit))
        for try await fragment in self {
            guard bytes.count + fragment.readableBytes <= limit else { throw NIOTooManyBytesError(maxBytes: limit) }
            fragment.withUnsafeReadableBytes { bytes.append(contentsOf: $0) }
        }
        return bytes
    }
}
