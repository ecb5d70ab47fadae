import Glibc

/// One connected stream socket: bytes in, bytes out. The owner closes the descriptor.
package struct UnixSocketConnection: Sendable {
    /// The socket's file descriptor.
    package let descriptor: Int32

    /// Wraps a connected socket.
    package init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Reads what has arrived into `buffer`; the count read, or nil at the end of the stream
    /// or on an error.
    package func receive(into buffer: inout [UInt8]) -> Int? {
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0, errno == EINTR { continue }
            return count > 0 ? count : nil
        }
    }

    /// Writes all of `bytes`; false when the peer has gone.
    package func send(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return Glibc.send(descriptor, base + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
            }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return false }
            sent += count
        }
        return true
    }

    /// Ends the sending half: the peer reads the end of the stream.
    package func finishSending() {
        shutdown(descriptor, Int32(SHUT_WR))
    }
}
