import Foundation
import Glibc
import Synchronization

/// A server on a Unix socket that gives each connection a thread of its own.
///
/// The protocol lives in `serve`, which runs one connection to its end; when it returns, the
/// connection is closed. A connection may therefore block. ``close()`` stops accepting, ends
/// every connection and removes the socket file.
package final class UnixSocketServer: Sendable {
    /// The socket's path.
    package let path: String
    private let threadName: String
    private let serve: @Sendable (UnixSocketConnection) -> Void
    private let listener: Int32
    private let connections = Mutex<(open: Set<Int32>, closed: Bool)>(([], false))

    /// Listens on `path` (an existing file there is replaced); each connection runs `serve` on
    /// a thread named `threadName`.
    package init(path: String, threadName: String, serve: @escaping @Sendable (UnixSocketConnection) -> Void) throws {
        self.path = path
        self.threadName = threadName
        self.serve = serve
        unlink(path)
        listener = try UnixSocketAddress(path: path).listen()
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "\(threadName) accept"
        thread.start()
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
                serve(UnixSocketConnection(descriptor: client))
                connections.withLock { _ = $0.open.remove(client) }
                Glibc.close(client)
            }
            thread.name = threadName
            thread.start()
        }
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
