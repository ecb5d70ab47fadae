import KilnNBD
import Synchronization

/// A disk in memory, for the NBD target: reads and writes bounds-checked like a real one.
final class MemoryDisk: NBDExport {
    let size: UInt64
    private let bytes: Mutex<[UInt8]>

    init(size: Int) {
        self.size = UInt64(size)
        bytes = Mutex([UInt8](repeating: 0, count: size))
    }

    func readPieces(offset: UInt64, length: Int) throws -> [ArraySlice<UInt8>] {
        let range = try span(offset, length)
        return bytes.withLock { [$0[range]] }
    }

    func write(offset: UInt64, pieces: [[UInt8]]) throws {
        let range = try span(offset, pieces.reduce(0) { $0 + $1.count })
        bytes.withLock { $0.replaceSubrange(range, with: pieces.joined()) }
    }

    func flush() throws {}

    func trim(offset: UInt64, length: Int) throws {
        try writeZeroes(offset: offset, length: length)
    }

    func writeZeroes(offset: UInt64, length: Int) throws {
        let range = try span(offset, length)
        bytes.withLock { $0.replaceSubrange(range, with: [UInt8](repeating: 0, count: range.count)) }
    }

    /// The byte range, or an error when it leaves the disk (the transmission code checks first).
    private func span(_ offset: UInt64, _ length: Int) throws -> Range<Int> {
        guard length >= 0, offset <= size, UInt64(length) <= size - offset else { throw OutOfBounds() }
        return Int(offset)..<Int(offset) + length
    }

    struct OutOfBounds: Error {}
}
