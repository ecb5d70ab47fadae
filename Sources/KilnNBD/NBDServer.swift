import Foundation
import Glibc
import Synchronization

/// An NBD server on a Unix socket, serving one export under one name.
///
/// Each connection has a thread of its own that reads requests, carries them out one at a
/// time on the export and writes the replies; an export may therefore block. ``close()``
/// stops accepting, ends every connection and removes the socket file.
package final class NBDServer: Sendable {
    /// The socket's path.
    package let path: String
    /// The export's name.
    package let name: String
    private let export: any NBDExport
    private let listener: Int32
    private let connections = Mutex<(open: Set<Int32>, closed: Bool)>(([], false))

    /// Listens on `path` (an existing file there is replaced) and serves `export` as `name`.
    package init(path: String, name: String, export: any NBDExport) throws {
        self.path = path
        self.name = name
        self.export = export
        unlink(path)
        listener = try Self.listen(on: path)
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "nbd-accept \(name)"
        thread.start()
    }

    private static func listen(on path: String) throws -> Int32 {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw NBDServerError.socket(errno) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            Glibc.close(descriptor)
            throw NBDServerError.pathTooLong(path)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, Glibc.listen(descriptor, 8) == 0 else {
            let code = errno
            Glibc.close(descriptor)
            throw NBDServerError.socket(code)
        }
        return descriptor
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            let admitted = connections.withLock { state -> Bool in
                guard !state.closed else { return false }
                state.open.insert(client)
                return true
            }
            guard admitted else {
                Glibc.close(client)
                return
            }
            let thread = Thread { [self] in
                serve(client)
                connections.withLock { _ = $0.open.remove(client) }
                Glibc.close(client)
            }
            thread.name = "nbd \(name)"
            thread.start()
        }
    }

    /// Runs one connection to its end.
    private func serve(_ client: Int32) {
        var session = NBDSession(exports: [name: NBDExportInfo(size: export.size)])
        guard Self.send(session.greeting, to: client) else { return }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return }
            let events: [NBDSession.Event]
            do {
                events = try session.feed(buffer[0..<count])
            } catch {
                return
            }
            for event in events {
                switch event {
                case .send(let bytes):
                    guard Self.send(bytes, to: client) else { return }
                case .request(let request):
                    guard Self.send(NBDTransmission.respond(to: request, on: export), to: client) else { return }
                case .selected:
                    break
                case .close:
                    try? export.flush()
                    return
                }
            }
        }
    }

    private static func send(_ bytes: [UInt8], to client: Int32) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return Glibc.send(client, base + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
            }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return false }
            sent += count
        }
        return true
    }

    /// Stops accepting, ends every connection and removes the socket file.
    package func close() {
        let open = connections.withLock { state -> Set<Int32> in
            state.closed = true
            return state.open
        }
        shutdown(listener, Int32(SHUT_RDWR))
        Glibc.close(listener)
        for client in open { shutdown(client, Int32(SHUT_RDWR)) }
        unlink(path)
    }
}

/// Why an NBD server could not listen.
package enum NBDServerError: Error, CustomStringConvertible {
    case socket(Int32)
    case pathTooLong(String)

    package var description: String {
        switch self {
        case .socket(let code): "socket error \(code): \(String(cString: strerror(code)))"
        case .pathTooLong(let path): "the socket path \(path) is too long for a Unix socket"
        }
    }
}
