/// One request of the transmission phase.
package struct NBDRequest: Sendable, Equatable {
    /// What the client asks for.
    package enum Command: UInt16, Sendable {
        case read = 0
        case write = 1
        case disconnect = 2
        case flush = 3
        case trim = 4
        case cache = 5
        case writeZeroes = 6
        case blockStatus = 7
    }

    /// The command, or nil for a number the protocol does not define.
    package var command: Command?
    /// The raw command number.
    package var type: UInt16
    /// Command flags, such as ``NBDProtocol/CommandFlag/fua``.
    package var flags: UInt16
    /// The client's tag, echoed in the reply.
    package var handle: UInt64
    /// Where on the export.
    package var offset: UInt64
    /// How many bytes.
    package var length: UInt32
    /// The bytes of a write, in order, in pieces that end where the disk's offset is a
    /// multiple of the export's ``NBDExportInfo/pieceSize``.
    package var payload: [[UInt8]]

    /// Describes a request; a write's `payload` is one piece.
    package init(type: UInt16, flags: UInt16 = 0, handle: UInt64, offset: UInt64, length: UInt32, payload: [UInt8] = []) {
        self.command = Command(rawValue: type)
        self.type = type
        self.flags = flags
        self.handle = handle
        self.offset = offset
        self.length = length
        self.payload = payload.isEmpty ? [] : [payload]
    }
}
