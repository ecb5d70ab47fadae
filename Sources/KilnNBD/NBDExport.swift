/// A disk an NBD server serves. Its calls come from the connection's own thread and may block.
package protocol NBDExport: AnyObject, Sendable {
    /// Its size in bytes.
    var size: UInt64 { get }
    /// Where it would have a write's payload split (see ``NBDExportInfo/pieceSize``): for an
    /// export that keeps blocks, its block size.
    var pieceSize: Int { get }
    /// `length` bytes from `offset`, in order, as pieces whose lengths add up to `length`.
    /// The pieces may be slices of buffers the export holds: a reply sends them as they are,
    /// without first copying them into one run of bytes.
    func readPieces(offset: UInt64, length: Int) throws -> [ArraySlice<UInt8>]
    /// Writes `pieces`, one after another, from `offset`; durable once ``flush()`` returns.
    /// The pieces are the arrays the payload arrived in (see ``NBDRequest/payload``): an
    /// export may keep them as they are.
    func write(offset: UInt64, pieces: [[UInt8]]) throws
    /// Makes every completed write durable.
    func flush() throws
    /// Forgets `length` bytes from `offset`: they read as zeros afterwards.
    func trim(offset: UInt64, length: Int) throws
    /// Writes `length` zero bytes from `offset`.
    func writeZeroes(offset: UInt64, length: Int) throws
}

extension NBDExport {
    /// A payload is split only where it crosses a multiple of the largest payload.
    package var pieceSize: Int { NBDProtocol.maximumPayload }

    /// `length` bytes from `offset`, as one run of bytes.
    package func read(offset: UInt64, length: Int) throws -> [UInt8] {
        Array(try readPieces(offset: offset, length: length).joined())
    }

    /// Writes `bytes` at `offset`, as one piece.
    package func write(offset: UInt64, bytes: [UInt8]) throws {
        try write(offset: offset, pieces: [bytes])
    }
}

/// Carries out requests of the transmission phase on an export and makes their replies.
package enum NBDTransmission {
    /// A simple reply: its header, then the data a read returns, in the export's pieces. They
    /// are kept apart so that a read's data, up to 32 MiB, goes to the socket without being
    /// copied behind the header first.
    package struct Reply: Sendable {
        package var header: [UInt8]
        package var data: [ArraySlice<UInt8>] = []

        /// The reply as one run of bytes.
        package var bytes: [UInt8] { header + data.joined() }
    }

    /// The simple reply to `request` after carrying it out on `export`.
    package static func respond(to request: NBDRequest, on export: any NBDExport) -> Reply {
        let length = Int(request.length)
        let (end, overflow) = request.offset.addingReportingOverflow(UInt64(length))
        guard let command = request.command else { return Reply(header: reply(request.handle, error: NBDProtocol.Error.invalid)) }
        if [.read, .write, .trim, .writeZeroes].contains(command), overflow || end > export.size {
            return Reply(header: reply(request.handle, error: command == .read ? NBDProtocol.Error.invalid : NBDProtocol.Error.noSpace))
        }
        do {
            switch command {
            case .read:
                guard length <= NBDProtocol.maximumPayload else { return Reply(header: reply(request.handle, error: NBDProtocol.Error.invalid)) }
                return Reply(header: reply(request.handle, error: 0), data: try export.readPieces(offset: request.offset, length: length))
            case .write:
                try export.write(offset: request.offset, pieces: request.payload)
            case .trim:
                try export.trim(offset: request.offset, length: length)
            case .writeZeroes:
                try export.writeZeroes(offset: request.offset, length: length)
            case .flush:
                try export.flush()
            case .cache:
                break
            case .disconnect, .blockStatus:
                return Reply(header: reply(request.handle, error: NBDProtocol.Error.invalid))
            }
            if request.flags & NBDProtocol.CommandFlag.fua != 0, [.write, .trim, .writeZeroes].contains(command) {
                try export.flush()
            }
            return Reply(header: reply(request.handle, error: 0))
        } catch {
            return Reply(header: reply(request.handle, error: NBDProtocol.Error.ioError))
        }
    }

    /// A simple reply's header.
    package static func reply(_ handle: UInt64, error: UInt32) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        NBDBytes.append(NBDProtocol.simpleReplyMagic, to: &bytes)
        NBDBytes.append(error, to: &bytes)
        NBDBytes.append(handle, to: &bytes)
        return bytes
    }
}
