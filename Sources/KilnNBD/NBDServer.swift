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

    /// Runs one connection to its end.
    private static func serve(_ connection: UnixSocketConnection, name: String, export: any NBDExport) {
        connection.setSendBuffer(sendBuffer)
        var session = NBDSession(exports: [name: NBDExportInfo(size: export.size)])
        guard connection.send(session.greeting) else { return }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while let count = connection.receive(into: &buffer) {
            let events: [NBDSession.Event]
            do {
                events = try session.feed(buffer[0..<count])
            } catch {
                return
            }
            for event in events {
                switch event {
                case .send(let bytes):
                    guard connection.send(bytes) else { return }
                case .request(let request):
                    let reply: NBDTransmission.Reply = NBDTransmission.respond(to: request, on: export)
                    guard connection.send(reply.header, reply.data) else { return }
                case .selected:
                    break
                case .close:
                    try? export.flush()
                    return
                }
            }
        }
    }

    /// Stops accepting, ends every connection and removes the socket file.
    package func close() {
        socket.close()
    }
}
