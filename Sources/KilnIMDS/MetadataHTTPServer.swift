import KilnSockets

/// The instance metadata service of one instance, on a Unix socket: each connection is read
/// as HTTP/1.x requests, and each request is answered by `answer`.
///
/// The socket stands for the instance: whoever reaches it asks as that instance. QEMU's
/// user network hands each guest connection to 169.254.169.254:80 to a relay that connects
/// here, so a guest cannot ask as another instance.
package final class MetadataHTTPServer: Sendable {
    private let socket: UnixSocketServer

    /// Serves on `path`; `answer` runs on the connection's thread, and may block it.
    package init(path: String, answer: @escaping @Sendable (MetadataHTTPRequest) -> MetadataHTTPResponse) throws {
        socket = try UnixSocketServer(path: path, threadName: "imds") { connection in
            Self.serve(connection, answer: answer)
        }
    }

    /// The socket's path.
    package var path: String { socket.path }

    private static func serve(_ connection: UnixSocketConnection, answer: @Sendable (MetadataHTTPRequest) -> MetadataHTTPResponse) {
        var parser = MetadataHTTPParser()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while let count = connection.receive(into: &buffer) {
            let requests: [MetadataHTTPRequest]
            do {
                requests = try parser.feed(buffer[0..<count])
            } catch {
                let response = MetadataHTTPResponse(status: 400, body: Array("Bad Request\n".utf8))
                _ = connection.send(response.encoded(version: "HTTP/1.1", keepAlive: false))
                return
            }
            for request in requests {
                let keepAlive = request.keepsAlive
                guard connection.send(answer(request).encoded(version: request.version, keepAlive: keepAlive)), keepAlive else { return }
            }
        }
    }

    /// Stops serving and removes the socket file.
    package func close() {
        socket.close()
    }
}
