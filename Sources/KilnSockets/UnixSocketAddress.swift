import Glibc

/// A Unix socket's path as the kernel takes it, for listening and connecting.
package struct UnixSocketAddress: Sendable {
    /// The socket file's path.
    package let path: String

    /// Names the socket at `path`.
    package init(path: String) {
        self.path = path
    }

    /// A listening socket bound to the path.
    package func listen() throws -> Int32 {
        let descriptor = try open()
        let bound = try withAddress { bind(descriptor, $0, $1) }
        guard bound == 0, Glibc.listen(descriptor, 16) == 0 else {
            let code = errno
            Glibc.close(descriptor)
            throw UnixSocketError.socket(code)
        }
        return descriptor
    }

    /// A socket connected to the server listening on the path; with `timeoutSeconds`, a
    /// receive or send that waits longer fails.
    package func connect(timeoutSeconds: Int? = nil) throws -> UnixSocketConnection {
        let descriptor = try open()
        if let timeoutSeconds {
            var limit = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        }
        let connected = try withAddress { Glibc.connect(descriptor, $0, $1) }
        guard connected == 0 else {
            let code = errno
            Glibc.close(descriptor)
            throw UnixSocketError.socket(code)
        }
        return UnixSocketConnection(descriptor: descriptor)
    }

    private func open() throws -> Int32 {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw UnixSocketError.socket(errno) }
        return descriptor
    }

    private func withAddress(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32) throws -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw UnixSocketError.pathTooLong(path) }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }
}

/// Why a Unix socket could not listen or connect.
package enum UnixSocketError: Error, CustomStringConvertible {
    case socket(Int32)
    case pathTooLong(String)

    package var description: String {
        switch self {
        case .socket(let code): "socket error \(code): \(String(cString: strerror(code)))"
        case .pathTooLong(let path): "the socket path \(path) is too long for a Unix socket"
        }
    }
}
