import KilnSockets

/// An NBD server on a Unix socket, serving one export under one name.
///
/// Each connection has a thread of its own that reads requests, carries them out one at a
/// time on the export and writes the replies; an export may therefore block. ``close()``
/// stops accepting, ends every connection and removes the socket file.
package final class NBDServer: Sendable {
    /// The socket's path.
    package var path: String { socket.path }
    /// The export's name.
    package let name: String
    private let socket: UnixSocketServer

    /// Listens on `path` (an existing file there is replaced) and serves `export` as `name`.
    package init(path: String, name: String, export: any NBDExport) throws {
        self.name = name
        socket = try UnixSocketServer(path: path, threadName: "nbd \(name)") { connection in
            Self.serve(connection, name: name, export: export)
        }
    }

    /// What the kernel may hold of the server's replies before a send waits for the client
    /// (4 MiB): several replies to a guest's largest reads (512 KiB), so that the client finds
    /// each whole when it reads, rather than a part of it at a time.
    static let sendBuffer = 4 << 20

    /// The most one receive takes outside a write's payload (64 KiB): many small requests at
    /// once, but only the start of a large write's payload, whose rest is received straight
    /// into its own storage.
    static let receiveBuffer = 64 << 10

    /// Runs one connection to its end.
    private static func serve(_ connection: UnixSocketConnection, name: String, export: any NBDExport) {
        connection.setSendBuffer(sendBuffer)
        var session = NBDSession(exports: [name: NBDExportInfo(size: export.size, pieceSize: export.pieceSize)])
        guard connection.send(session.greeting) else { return }
        var buffer = [UInt8](repeating: 0, count: receiveBuffer)
        while true {
            let events: [NBDSession.Event]
            if session.awaitsPayload {
                guard let received = session.receivePayload(using: connection.receive(into:)) else { return }
                events = received
            } else {
                guard let count = connection.receive(into: &buffer) else { return }
                do {
                    events = try session.feed(buffer[0..<count])
                } catch {
                    return
                }
            }
            guard carryOut(events, on: connection, export: export) else { return }
        }
    }

    /// Carries out a session's events: sends what it says, answers its requests; false once
    /// the connection is over.
    private static func carryOut(_ events: [NBDSession.Event], on connection: UnixSocketConnection, export: any NBDExport) -> Bool {
        for event in events {
            switch event {
            case .send(let bytes):
                guard connection.send(bytes) else { return false }
            case .request(let request):
                let reply = NBDTransmission.respond(to: request, on: export)
                guard connection.send(reply.header, reply.data) else { return false }
            case .selected:
                break
            case .close:
                try? export.flush()
                return false
            }
        }
        return true
    }

    /// Stops accepting, ends every connection and removes the socket file.
    package func close() {
        socket.close()
    }
}
