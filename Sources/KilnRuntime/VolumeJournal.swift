import Foundation
import Glibc
import KilnCore

/// The write journal of one served volume: the small writes a guest flushed, kept durable in
/// a file of their own until they reach the volume's blocks.
///
/// A volume's blocks are 512 KiB, and storing a changed block costs its whole hash,
/// compression and pack write. A guest that flushes often after small writes (a file
/// system's journal commits, a package manager's fsyncs) would pay that for every block it
/// touched at every flush. Instead, a flush appends the small writes to this journal and
/// syncs it: durable at the cost of the bytes written. The changed blocks are stored later,
/// together, at a checkpoint (see ``VolumeExport``), and the journal then starts empty.
///
/// Each record is a header, then the bytes written:
///
/// | field | size |
/// |---|---|
/// | magic `KJR1` | 4 |
/// | block index | 8 |
/// | offset within the block | 4 |
/// | length | 4 |
/// | XXH3-128 of the three fields above and the bytes | 16 |
///
/// A record whose checksum fails ends the journal: it is the torn tail of an append that a
/// crash cut short, and no flush that returned includes it.
///
/// Replaying records in order onto the blocks as stored gives the flushed content. Replaying
/// them onto blocks that a checkpoint already stored with them gives the same content, since
/// the last write to each byte wins either way; so a crash between a checkpoint's commit and
/// the journal's reset loses nothing.
///
/// A journal is not safe to use from two threads at once: its export calls it only under
/// its own lock.
final class VolumeJournal: @unchecked Sendable {
    /// One write, as the journal keeps it.
    struct Record: Equatable {
        var blockIndex: Int
        var within: Int
        var bytes: [UInt8]
    }

    static let magic: [UInt8] = Array("KJR1".utf8)
    static let headerSize = 36

    /// The journal's path.
    let path: String
    /// Its size in bytes: where the next record goes.
    private(set) var size: Int
    private let descriptor: Int32

    /// Opens the journal at `path`, creating it empty when there is none. Its records are
    /// read with ``records(at:)`` first: an existing journal is kept as it is.
    init(path: String) throws {
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw VolumeJournalError("cannot open the journal \(path): errno \(errno)") }
        self.path = path
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            close(descriptor)
            throw VolumeJournalError("cannot read the size of the journal \(path): errno \(errno)")
        }
        size = Int(info.st_size)
    }

    deinit { close(descriptor) }

    /// Appends `records` and makes them durable before returning.
    func append(_ records: [Record]) throws {
        guard !records.isEmpty else { return }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(records.reduce(0) { $0 + Self.headerSize + $1.bytes.count })
        for record in records { Self.encode(record, into: &bytes) }
        try write(bytes, at: size)
        guard fdatasync(descriptor) == 0 else { throw VolumeJournalError("cannot sync the journal \(path): errno \(errno)") }
        size += bytes.count
    }

    /// Empties the journal, durably: its records are all stored in the volume's blocks.
    func reset() throws {
        guard size > 0 else { return }
        guard ftruncate(descriptor, 0) == 0, fsync(descriptor) == 0 else {
            throw VolumeJournalError("cannot empty the journal \(path): errno \(errno)")
        }
        size = 0
    }

    private func write(_ bytes: [UInt8], at offset: Int) throws {
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeBytes { raw in
                pwrite(descriptor, raw.baseAddress.map { $0 + done }, raw.count - done, off_t(offset + done))
            }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw VolumeJournalError("cannot write the journal \(path): errno \(errno)") }
            done += count
        }
    }
}

extension VolumeJournal {
    /// The records of the journal at `path`, in order, up to the first that is torn or
    /// damaged; none when there is no journal.
    static func records(at path: String) throws -> [Record] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let bytes = [UInt8](data)
        var records: [Record] = []
        var position = 0
        while let (record, next) = decode(bytes, at: position) {
            records.append(record)
            position = next
        }
        return records
    }

    static func encode(_ record: Record, into bytes: inout [UInt8]) {
        let start = bytes.count
        bytes += magic
        withUnsafeBytes(of: UInt64(record.blockIndex).littleEndian) { bytes += $0 }
        withUnsafeBytes(of: UInt32(record.within).littleEndian) { bytes += $0 }
        withUnsafeBytes(of: UInt32(record.bytes.count).littleEndian) { bytes += $0 }
        let checksum = checksum(fields: bytes[(start + 4)..<(start + 20)], payload: record.bytes[...])
        bytes += checksum
        bytes += record.bytes
    }

    /// The record at `position` and where the next one starts, or nil at the end or at a torn
    /// or damaged record.
    static func decode(_ bytes: [UInt8], at position: Int) -> (Record, Int)? {
        guard bytes.count - position >= headerSize, Array(bytes[position..<(position + 4)]) == magic else { return nil }
        let index = read(UInt64.self, bytes, at: position + 4)
        let within = Int(read(UInt32.self, bytes, at: position + 12))
        let length = Int(read(UInt32.self, bytes, at: position + 16))
        let end = position + headerSize + length
        guard index < UInt64(Int.max), within + length <= Block.size, end <= bytes.count else { return nil }
        let payload = bytes[(position + headerSize)..<end]
        guard Array(bytes[(position + 20)..<(position + headerSize)]) == checksum(fields: bytes[(position + 4)..<(position + 20)], payload: payload)
        else { return nil }
        return (Record(blockIndex: Int(index), within: within, bytes: Array(payload)), end)
    }

    private static func checksum(fields: ArraySlice<UInt8>, payload: ArraySlice<UInt8>) -> [UInt8] {
        ChangeDigest.of(Array(fields) + Array(payload))
    }

    private static func read<Value: FixedWidthInteger>(_: Value.Type, _ bytes: [UInt8], at offset: Int) -> Value {
        var value = Value.zero
        for byte in bytes[offset..<(offset + MemoryLayout<Value>.size)].reversed() { value = value << 8 | Value(byte) }
        return value
    }
}

/// A journal that cannot be read or written.
struct VolumeJournalError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
