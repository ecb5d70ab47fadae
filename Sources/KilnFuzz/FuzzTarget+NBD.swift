import KilnNBD

extension FuzzTarget {
    /// An NBD client's bytes, from the handshake through the transmission phase, fed in pieces
    /// whose sizes the input chooses; each request is carried out on a small in-memory disk.
    static let nbd = FuzzTarget("nbd") { bytes in
        var session = NBDSession(exports: ["vol-1": NBDExportInfo(size: 1 << 16), "ro": NBDExportInfo(size: 4096, readOnly: true)])
        let disk = MemoryDisk(size: 1 << 16)
        var rest = bytes[...]
        while let first = rest.first {
            let piece = rest.dropFirst().prefix(Int(first) + 1)
            rest = rest.dropFirst(piece.count + 1)
            guard let events = try? session.feed(piece) else { return }
            for event in events {
                switch event {
                case .request(let request): _ = NBDTransmission.respond(to: request, on: disk).bytes
                case .close: return
                case .send, .selected: continue
                }
            }
        }
    }
}
