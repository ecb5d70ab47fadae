import KilnCore
import KilnNBD
import Logging

/// An export that logs each request it fails, then fails it as before: the NBD server answers
/// the guest EIO, and the log names the volume and the error, which for a damaged block names
/// the block and the snapshot it is shared with.
final class ReportingExport: NBDExport {
    let volumeID: String
    private let inner: any NBDExport
    private let logger: Logger

    /// `inner`, the export of volume `volumeID`, reporting to `logger`.
    init(_ inner: any NBDExport, volumeID: String, logger: Logger) {
        self.inner = inner
        self.volumeID = volumeID
        self.logger = logger
    }

    var size: UInt64 { inner.size }
    var pieceSize: Int { inner.pieceSize }

    func readPieces(offset: UInt64, length: Int) throws -> [ArraySlice<UInt8>] {
        try reporting("read", offset: offset) { try inner.readPieces(offset: offset, length: length) }
    }

    func write(offset: UInt64, pieces: [[UInt8]]) throws {
        try reporting("write", offset: offset) { try inner.write(offset: offset, pieces: pieces) }
    }

    func flush() throws {
        try reporting("flush", offset: nil) { try inner.flush() }
    }

    func trim(offset: UInt64, length: Int) throws {
        try reporting("trim", offset: offset) { try inner.trim(offset: offset, length: length) }
    }

    func writeZeroes(offset: UInt64, length: Int) throws {
        try reporting("write-zeroes", offset: offset) { try inner.writeZeroes(offset: offset, length: length) }
    }

    /// Runs one request's `body`; logs what it throws, and throws it on.
    private func reporting<Result>(_ command: String, offset: UInt64?, _ body: () throws -> Result) throws -> Result {
        do {
            return try body()
        } catch {
            var metadata: Logger.Metadata = ["volume": .string(volumeID), "command": .string(command), "error": .string(Self.describe(error))]
            if let offset { metadata["offset"] = .string(String(offset)) }
            logger.error("a volume's disk request failed; the guest gets EIO", metadata: metadata)
            throw error
        }
    }

    /// An error's message: a ``CloudError``'s own sentence, else its description.
    static func describe(_ error: any Error) -> String {
        (error as? CloudError).map { "\($0.code): \($0.message)" } ?? String(describing: error)
    }
}
