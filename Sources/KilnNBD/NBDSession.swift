/// The server's side of one NBD connection as a pure state machine: bytes in, events out.
///
/// It knows nothing of sockets or disks, so it can be tested and fuzzed on its own. Feed it
/// what the client sent with ``feed(_:)``; it answers the fixed newstyle negotiation itself
/// (NBD_OPT_EXPORT_NAME, NBD_OPT_GO, NBD_OPT_INFO, NBD_OPT_LIST, NBD_OPT_ABORT; every other
/// option is refused as unsupported) and hands each request of the transmission phase out.
///
/// ```swift
/// var session = NBDSession(exports: ["vol-1": NBDExportInfo(size: 1 << 30)])
/// send(session.greeting)
/// for event in try session.feed(received) { ... }
/// ```
package struct NBDSession: Sendable {
    /// What the session wants done.
    package enum Event: Sendable, Equatable {
        /// Bytes to send to the client.
        case send([UInt8])
        /// The client chose this export; requests follow.
        case selected(String)
        /// A request of the transmission phase.
        case request(NBDRequest)
        /// The connection is over; close it.
        case close
    }

    /// A protocol violation that ends the connection.
    package struct Violation: Error, Sendable, Equatable {
        package var reason: String
    }

    enum Phase: Sendable, Equatable {
        case clientFlags
        case options
        case transmission
        case closed
    }

    /// The exports this session offers, by name.
    package let exports: [String: NBDExportInfo]
    private(set) var phase = Phase.clientFlags
    private var noZeroes = false
    private var pending: [UInt8] = []
    private var consumed = 0
    /// The export the client chose, once it has.
    private var selected: NBDExportInfo?
    /// A write whose payload is still arriving. Its payload takes what arrives directly,
    /// rather than through ``pending``; see ``receivePayload(using:)``.
    private var partialWrite: (request: NBDRequest, payload: NBDPayload)?

    /// A session offering `exports`.
    package init(exports: [String: NBDExportInfo]) {
        self.exports = exports
    }

    /// The server's first bytes: the magic numbers and its handshake flags.
    package var greeting: [UInt8] {
        var bytes: [UInt8] = []
        NBDBytes.append(NBDProtocol.initMagic, to: &bytes)
        NBDBytes.append(NBDProtocol.optionMagic, to: &bytes)
        NBDBytes.append(NBDProtocol.HandshakeFlag.fixedNewstyle | NBDProtocol.HandshakeFlag.noZeroes, to: &bytes)
        return bytes
    }

    /// Whether the transmission phase has begun.
    package var isTransmitting: Bool { phase == .transmission }

    /// Whether the session waits for the rest of a write's payload, which the caller may then
    /// receive with ``receivePayload(using:)`` rather than through ``feed(_:)``.
    package var awaitsPayload: Bool { partialWrite != nil }

    /// Lets `receive` put the next bytes of the awaited write's payload straight into the
    /// payload's storage: it is given the free space and returns how many bytes it wrote
    /// there, or nil at the connection's end. Returns the write once its payload is whole,
    /// no event while it is not, and nil when `receive` returned nil.
    package mutating func receivePayload(using receive: (UnsafeMutableRawBufferPointer) -> Int?) -> [Event]? {
        guard let request = partialWrite?.request, var payload = partialWrite?.payload else { return [] }
        partialWrite = nil  // leaves the payload's pieces one reference, so filling them copies nothing
        guard payload.fill(using: receive) != nil else { return nil }
        return finish(request, payload)
    }

    /// Takes the bytes the client sent and returns what to do, in order. Bytes of a message
    /// not yet complete are kept for the next call.
    package mutating func feed(_ bytes: some Collection<UInt8>) throws -> [Event] {
        var events: [Event] = []
        var incoming = bytes[...]
        if let request = partialWrite?.request, var payload = partialWrite?.payload {
            partialWrite = nil
            incoming = incoming.dropFirst(payload.append(incoming))
            events = finish(request, payload)
            if partialWrite != nil { return events }
        }
        pending.append(contentsOf: incoming)
        defer { compact() }
        while phase != .closed {
            let available = pending[consumed...]
            let step: (used: Int, events: [Event])?
            switch phase {
            case .clientFlags: step = try clientFlags(available)
            case .options: step = try option(available)
            case .transmission: step = try request(available)
            case .closed: step = nil
            }
            guard let step else { break }
            consumed += step.used
            events += step.events
            if step.events.contains(.close) { phase = .closed }
        }
        return events
    }

    private mutating func compact() {
        if consumed > 0, consumed >= pending.count / 2 || consumed > 1 << 20 {
            pending.removeFirst(consumed)
            consumed = 0
        }
    }

    private mutating func clientFlags(_ bytes: ArraySlice<UInt8>) throws -> (Int, [Event])? {
        guard bytes.count >= 4 else { return nil }
        let flags = NBDBytes.read(UInt32.self, from: bytes, at: 0)
        let known = NBDProtocol.ClientFlag.fixedNewstyle | NBDProtocol.ClientFlag.noZeroes
        guard flags & ~known == 0 else { throw Violation(reason: "unknown client flags \(flags)") }
        noZeroes = flags & NBDProtocol.ClientFlag.noZeroes != 0
        phase = .options
        return (4, [])
    }

    private mutating func option(_ bytes: ArraySlice<UInt8>) throws -> (Int, [Event])? {
        guard bytes.count >= 16 else { return nil }
        guard NBDBytes.read(UInt64.self, from: bytes, at: 0) == NBDProtocol.optionMagic else {
            throw Violation(reason: "an option without IHAVEOPT")
        }
        let option = NBDBytes.read(UInt32.self, from: bytes, at: 8)
        let length = Int(NBDBytes.read(UInt32.self, from: bytes, at: 12))
        guard length <= NBDProtocol.maximumOption else { throw Violation(reason: "an option of \(length) bytes") }
        guard bytes.count >= 16 + length else { return nil }
        let data = bytes.dropFirst(16).prefix(length)
        return (16 + length, answer(option: option, data: data))
    }

    private mutating func answer(option: UInt32, data: ArraySlice<UInt8>) -> [Event] {
        switch option {
        case NBDProtocol.Option.exportName:
            let name = String(decoding: data, as: UTF8.self)
            guard let export = exports[name] else { return [.close] }
            var bytes: [UInt8] = []
            NBDBytes.append(export.size, to: &bytes)
            NBDBytes.append(export.transmissionFlags, to: &bytes)
            if !noZeroes { bytes += [UInt8](repeating: 0, count: 124) }
            phase = .transmission
            selected = export
            return [.send(bytes), .selected(name)]
        case NBDProtocol.Option.abort:
            return [.send(Self.optionReply(option, NBDProtocol.Reply.ack)), .close]
        case NBDProtocol.Option.list:
            guard data.isEmpty else { return [.send(Self.optionReply(option, NBDProtocol.Reply.errorInvalid))] }
            var events: [Event] = exports.keys.sorted().map { name in
                var payload: [UInt8] = []
                NBDBytes.append(UInt32(name.utf8.count), to: &payload)
                payload += Array(name.utf8)
                return .send(Self.optionReply(option, NBDProtocol.Reply.server, payload))
            }
            events.append(.send(Self.optionReply(option, NBDProtocol.Reply.ack)))
            return events
        case NBDProtocol.Option.info, NBDProtocol.Option.go:
            return informationReply(option, data)
        default:
            return [.send(Self.optionReply(option, NBDProtocol.Reply.errorUnsupported))]
        }
    }

    /// The answer to NBD_OPT_INFO and NBD_OPT_GO; GO also starts transmission.
    private mutating func informationReply(_ option: UInt32, _ data: ArraySlice<UInt8>) -> [Event] {
        guard data.count >= 6 else { return [.send(Self.optionReply(option, NBDProtocol.Reply.errorInvalid))] }
        let nameLength = Int(NBDBytes.read(UInt32.self, from: data, at: 0))
        guard data.count >= 4 + nameLength + 2 else { return [.send(Self.optionReply(option, NBDProtocol.Reply.errorInvalid))] }
        let name = String(decoding: data.dropFirst(4).prefix(nameLength), as: UTF8.self)
        let count = Int(NBDBytes.read(UInt16.self, from: data, at: 4 + nameLength))
        guard data.count == 4 + nameLength + 2 + count * 2 else { return [.send(Self.optionReply(option, NBDProtocol.Reply.errorInvalid))] }
        let requested = (0..<count).map { NBDBytes.read(UInt16.self, from: data, at: 4 + nameLength + 2 + $0 * 2) }
        guard let export = exports[name] else { return [.send(Self.optionReply(option, NBDProtocol.Reply.errorUnknown))] }
        var exportInfo: [UInt8] = []
        NBDBytes.append(NBDProtocol.Info.export, to: &exportInfo)
        NBDBytes.append(export.size, to: &exportInfo)
        NBDBytes.append(export.transmissionFlags, to: &exportInfo)
        var events: [Event] = [.send(Self.optionReply(option, NBDProtocol.Reply.info, exportInfo))]
        if requested.contains(NBDProtocol.Info.blockSize) {
            var sizes: [UInt8] = []
            NBDBytes.append(NBDProtocol.Info.blockSize, to: &sizes)
            NBDBytes.append(UInt32(1), to: &sizes)
            NBDBytes.append(UInt32(4096), to: &sizes)
            NBDBytes.append(UInt32(NBDProtocol.maximumPayload), to: &sizes)
            events.append(.send(Self.optionReply(option, NBDProtocol.Reply.info, sizes)))
        }
        events.append(.send(Self.optionReply(option, NBDProtocol.Reply.ack)))
        if option == NBDProtocol.Option.go {
            phase = .transmission
            selected = export
            events.append(.selected(name))
        }
        return events
    }

    private mutating func request(_ bytes: ArraySlice<UInt8>) throws -> (Int, [Event])? {
        guard bytes.count >= 28 else { return nil }
        guard NBDBytes.read(UInt32.self, from: bytes, at: 0) == NBDProtocol.requestMagic else {
            throw Violation(reason: "a request with a bad magic number")
        }
        let flags = NBDBytes.read(UInt16.self, from: bytes, at: 4)
        let type = NBDBytes.read(UInt16.self, from: bytes, at: 6)
        let handle = NBDBytes.read(UInt64.self, from: bytes, at: 8)
        let offset = NBDBytes.read(UInt64.self, from: bytes, at: 16)
        let length = NBDBytes.read(UInt32.self, from: bytes, at: 24)
        let request = NBDRequest(type: type, flags: flags, handle: handle, offset: offset, length: length)
        if request.command == .disconnect { return (28, [.close]) }
        guard request.command == .write else { return (28, [.request(request)]) }
        guard Int(length) <= NBDProtocol.maximumPayload else { throw Violation(reason: "a write of \(length) bytes") }
        let pieceSize = selected?.pieceSize ?? NBDProtocol.maximumPayload
        var payload = NBDPayload(offset: offset, length: Int(length), pieceSize: pieceSize)
        let arrived = payload.append(bytes.dropFirst(28))
        return (28 + arrived, finish(request, payload))
    }

    /// The write as an event once its payload is whole; until then, no event, and the write
    /// waits in ``partialWrite``.
    private mutating func finish(_ request: NBDRequest, _ payload: NBDPayload) -> [Event] {
        guard payload.isComplete else {
            partialWrite = (request, payload)
            return []
        }
        var request = request
        request.payload = payload.pieces
        return [.request(request)]
    }

    /// An option reply: its magic, the option, the reply type and the payload.
    static func optionReply(_ option: UInt32, _ type: UInt32, _ payload: [UInt8] = []) -> [UInt8] {
        var bytes: [UInt8] = []
        NBDBytes.append(NBDProtocol.optionReplyMagic, to: &bytes)
        NBDBytes.append(option, to: &bytes)
        NBDBytes.append(type, to: &bytes)
        NBDBytes.append(UInt32(payload.count), to: &bytes)
        return bytes + payload
    }
}

/// What a client learns of an export before using it.
package struct NBDExportInfo: Sendable, Equatable {
    /// Its size in bytes.
    package var size: UInt64
    /// Whether it refuses writes.
    package var readOnly: Bool
    /// Where a write's payload is split: its pieces end where the disk's offset is a multiple
    /// of this (see ``NBDRequest/payload``).
    package var pieceSize: Int

    /// Describes an export.
    package init(size: UInt64, readOnly: Bool = false, pieceSize: Int = NBDProtocol.maximumPayload) {
        precondition(pieceSize > 0, "a payload's pieces hold at least one byte")
        self.size = size
        self.readOnly = readOnly
        self.pieceSize = pieceSize
    }

    /// The transmission flags it advertises: flush, FUA, trim and write-zeroes.
    package var transmissionFlags: UInt16 {
        var flags =
            NBDProtocol.TransmissionFlag.hasFlags | NBDProtocol.TransmissionFlag.sendFlush | NBDProtocol.TransmissionFlag.sendFUA
            | NBDProtocol.TransmissionFlag.sendTrim | NBDProtocol.TransmissionFlag.sendWriteZeroes
        if readOnly { flags |= NBDProtocol.TransmissionFlag.readOnly }
        return flags
    }
}
