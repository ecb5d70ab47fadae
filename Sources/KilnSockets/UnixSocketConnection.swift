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
        buffer.withUnsafeMutableBytes { receive(into: $0) }
    }

    /// Reads what has arrived into `buffer`, up to its size; the count read, or nil at the end
    /// of the stream or on an error.
    package func receive(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        while true {
            let count = recv(descriptor, buffer.baseAddress, buffer.count, 0)
            if count < 0, errno == EINTR { continue }
            return count > 0 ? count : nil
        }
    }

    /// Writes all of `bytes`; false when the peer has gone.
    package func send(_ bytes: [UInt8]) -> Bool {
        send(bytes, [])
    }

    /// The most vectors one `sendmsg` takes on Linux (`UIO_MAXIOV`).
    static let maximumVectors = 1024

    /// Writes all of `head`, then all of `pieces` in order, gathered into as few system calls
    /// as the socket takes (`sendmsg` with a vector per piece), so that no piece is copied
    /// behind another first; false when the peer has gone.
    package func send(_ head: [UInt8], _ pieces: [ArraySlice<UInt8>]) -> Bool {
        let all = [head[...]] + pieces.filter { !$0.isEmpty }
        var buffers: [UnsafeRawBufferPointer] = []
        buffers.reserveCapacity(all.count)
        return Self.pinning(all, from: all.startIndex, into: &buffers) { sendAll($0) }
    }

    /// Calls `body` with the bytes of every piece from `index` on, each pinned in memory while
    /// it runs: a piece's bytes stay valid only inside its own `withUnsafeBytes`, so each
    /// piece's call wraps the next one's.
    private static func pinning(
        _ pieces: [ArraySlice<UInt8>],
        from index: Int,
        into buffers: inout [UnsafeRawBufferPointer],
        _ body: ([UnsafeRawBufferPointer]) -> Bool
    ) -> Bool {
        guard index < pieces.endIndex else { return body(buffers) }
        return pieces[index].withUnsafeBytes { piece in
            buffers.append(piece)
            return pinning(pieces, from: index + 1, into: &buffers, body)
        }
    }

    /// Sends all of `buffers`, in order, with as many `sendmsg` calls as the socket takes;
    /// each call skips what the ones before it sent. It asks for an error rather than
    /// SIGPIPE when the peer has gone.
    private func sendAll(_ buffers: [UnsafeRawBufferPointer]) -> Bool {
        var vectors = buffers.compactMap { buffer in
            buffer.baseAddress.map { iovec(iov_base: UnsafeMutableRawPointer(mutating: $0), iov_len: buffer.count) }
        }[...]
        while !vectors.isEmpty {
            let count = vectors.withUnsafeMutableBufferPointer { unsent in
                var message = msghdr()
                message.msg_iov = unsent.baseAddress
                message.msg_iovlen = min(unsent.count, Self.maximumVectors)
                return sendmsg(descriptor, &message, Int32(MSG_NOSIGNAL))
            }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return false }
            Self.advance(&vectors, by: count)
        }
        return true
    }

    /// Drops from the front of `vectors` what a send of `sent` bytes took: the vectors it
    /// sent whole, and the part it sent of the next. A send interrupted by a signal returns
    /// a count that can end anywhere, even inside a vector.
    package static func advance(_ vectors: inout ArraySlice<iovec>, by sent: Int) {
        var left = sent
        while let first = vectors.first, left >= first.iov_len {
            left -= first.iov_len
            vectors.removeFirst()
        }
        guard left > 0, let start = vectors.indices.first else { return }
        vectors[start].iov_base += left
        vectors[start].iov_len -= left
    }

    /// Asks the kernel to hold up to `bytes` of what this end sends before a send waits for
    /// the peer to read (the kernel caps it at `net.core.wmem_max`). A large reply then goes
    /// out in one call, and the peer reads it without waiting for more to be written.
    package func setSendBuffer(_ bytes: Int) {
        var size = Int32(clamping: bytes)
        setsockopt(descriptor, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Ends the sending half: the peer reads the end of the stream.
    package func finishSending() {
        shutdown(descriptor, Int32(SHUT_WR))
    }
}
