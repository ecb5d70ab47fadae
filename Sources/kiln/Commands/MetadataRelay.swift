import ArgumentParser
import Foundation
import Glibc
import KilnSockets

extension Kiln {
    /// `kiln metadata-relay SOCKET`: joins standard input and output to a Unix socket.
    ///
    /// QEMU's user network runs it for each guest connection to the instance metadata address,
    /// with the connection on standard input and output; the socket is the instance's metadata
    /// service in `kiln serve`. Not for everyday use.
    struct MetadataRelay: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "metadata-relay",
            abstract: "Relay standard input and output to an instance's metadata socket (QEMU runs this).",
            shouldDisplay: false
        )

        @Argument(help: "The instance's metadata socket.") var socket: String

        func run() throws {
            let connection = try UnixSocketAddress(path: socket).connect()
            let upstream = Thread {
                var buffer = [UInt8](repeating: 0, count: 16_384)
                while true {
                    let count = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
                    if count < 0, errno == EINTR { continue }
                    guard count > 0, connection.send(Array(buffer[0..<count])) else { break }
                }
                connection.finishSending()
            }
            upstream.start()
            var buffer = [UInt8](repeating: 0, count: 16_384)
            while let count = connection.receive(into: &buffer) {
                guard Self.write(buffer[0..<count]) else { break }
            }
        }

        /// Writes all of `bytes` to standard output; false when it is closed.
        private static func write(_ bytes: ArraySlice<UInt8>) -> Bool {
            var written = 0
            while written < bytes.count {
                let count = bytes.withUnsafeBytes { raw -> Int in
                    guard let base = raw.baseAddress else { return 0 }
                    return Glibc.write(STDOUT_FILENO, base + written, raw.count - written)
                }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { return false }
                written += count
            }
            return true
        }
    }
}
