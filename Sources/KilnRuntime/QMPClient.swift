import Foundation
import Glibc
import KilnSockets

/// Sends one command to a QEMU's QMP socket: connects, negotiates capabilities, runs the
/// command and returns its `return` value (events in between are skipped).
enum QMPClient {
    /// A QMP command that failed, or a socket that did not answer.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `command` with `arguments` on the QMP socket at `path`, waiting at most `timeout` seconds.
    @discardableResult
    static func execute(_ command: String, arguments: [String: any Sendable] = [:], at path: String, timeout: Int = 5) throws -> Any {
        let descriptor = try connect(path, timeout: timeout)
        defer { close(descriptor) }
        var reader = LineReader(descriptor: descriptor)
        _ = try reader.nextObject()  // the greeting
        try send(["execute": "qmp_capabilities"], to: descriptor)
        _ = try reply(from: &reader)
        var message: [String: Any] = ["execute": command]
        if !arguments.isEmpty { message["arguments"] = arguments }
        try send(message, to: descriptor)
        return try reply(from: &reader)
    }

    /// Whether a QMP socket answers at `path`.
    static func answers(at path: String) -> Bool {
        (try? execute("query-status", at: path, timeout: 2)) != nil
    }

    private static func reply(from reader: inout LineReader) throws -> Any {
        while true {
            let object = try reader.nextObject()
            if let value = object["return"] { return value }
            if let error = object["error"] as? [String: Any] {
                throw Failure(description: "\(error["class"] ?? "Error"): \(error["desc"] ?? "")")
            }
        }
    }

    private static func send(_ message: [String: Any], to descriptor: Int32) throws {
        var bytes = Array(try JSONSerialization.data(withJSONObject: message))
        bytes.append(0x0A)
        guard UnixSocketConnection(descriptor: descriptor).send(bytes) else { throw Failure(description: "QMP socket closed while sending") }
    }

    private static func connect(_ path: String, timeout: Int) throws -> Int32 {
        do {
            return try UnixSocketAddress(path: path).connect(timeoutSeconds: timeout).descriptor
        } catch {
            throw Failure(description: "QMP socket \(path) does not answer (\(error))")
        }
    }

    /// Reads newline-separated JSON objects from a socket.
    struct LineReader {
        let descriptor: Int32
        var buffer: [UInt8] = []

        mutating func nextObject() throws -> [String: Any] {
            while true {
                if let newline = buffer.firstIndex(of: 0x0A) {
                    let line = Array(buffer[..<newline])
                    buffer.removeFirst(newline + 1)
                    if let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] { return object }
                    continue
                }
                var chunk = [UInt8](repeating: 0, count: 4096)
                let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { throw Failure(description: "QMP socket closed or timed out") }
                buffer += chunk[0..<count]
            }
        }
    }
}
