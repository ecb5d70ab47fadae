/// Random-access bytes of a disk or of a part of one: what the inspector reads.
package protocol ByteSource: Sendable {
    /// The size in bytes.
    var size: Int { get }
    /// `length` bytes from `offset`; bytes past the end read as zeros.
    func read(offset: Int, length: Int) async throws -> [UInt8]
}

/// A window of another source: a partition of a disk.
package struct ByteWindow: ByteSource {
    /// The whole disk.
    package let base: any ByteSource
    /// Where the window starts in `base`.
    package let start: Int
    package let size: Int

    /// The `size` bytes of `base` from `start`.
    package init(_ base: any ByteSource, start: Int, size: Int) {
        self.base = base
        self.start = start
        self.size = size
    }

    package func read(offset: Int, length: Int) async throws -> [UInt8] {
        guard offset < size else { return [UInt8](repeating: 0, count: length) }
        var bytes = try await base.read(offset: start + offset, length: min(length, size - offset))
        if bytes.count < length { bytes += [UInt8](repeating: 0, count: length - bytes.count) }
        return bytes
    }
}
