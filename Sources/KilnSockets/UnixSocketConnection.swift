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

    /// Writes all of `first`, then all of `second`, gathered into as few system calls as the
    /// socket takes (`sendmsg` with two vectors), so that neither is copied behind the other; false when the
    /// peer has gone.
    package func send(_ first: [UInt8], _ second: [UInt8]) -> Bool {
        guard !second.isEmpty else { return send(first) }
        let total = first.count + second.count
        var sent = 0
        while sent < total {
            let count = first.withUnsafeBytes { head in
                second.withUnsafeBytes { tail in Self.gather(head, tail, skipping: sent, into: descriptor) }
            }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return false }
            sent += count
        }
        return true
    }

    /// One `sendmsg` of `head` then `tail`, less their first `skipped` bytes. Like ``send(_:)``,
    /// it asks for an error rather than SIGPIPE when the peer has gone.
    private static func gather(_ head: UnsafeRawBufferPointer, _ tail: UnsafeRawBufferPointer, skipping skipped: Int, into descriptor: Int32) -> Int {
        var vectors: [iovec] = []
        if skipped < head.count, let base = head.baseAddress {
            vectors.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: base + skipped), iov_len: head.count - skipped))
        }
        let tailSkipped = max(0, skipped - head.count)
        if let base = tail.baseAddress {
            vectors.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: base + tailSkipped), iov_len: tail.count - tailSkipped))
        }
        return vectors.withUnsafeMutableBufferPointer { buffer in
            var message = msghdr()
            message.msg_iov = buffer.baseAddress
            message.msg_iovlen = buffer.count
            return sendmsg(descriptor, &message, Int32(MSG_NOSIGNAL))
        }
    }

    /// Ends the sending half: the peer reads the end of the stream.
    package func finishSending() {
        shutdown(descriptor, Int32(SHUT_WR))
    }
}
