import Foundation
import KilnIMDS
import KilnSockets
import Testing

@Suite("Metadata HTTP", .timeLimit(.minutes(1)))
struct MetadataHTTPTests {
    @Test("Requests split across reads and pipelined in one read come out whole and in order; bodies are skipped")
    func parsesRequests() throws {
        var parser = MetadataHTTPParser()
        let first = "PUT /latest/api/token HTTP/1.1\r\nX-aws-ec2-metadata-token-ttl-seconds: 21600\r\nContent-Length: 3\r\n\r\nabc"
        let second = "GET /latest/meta-data/?x=1 HTTP/1.0\r\nHost: 169.254.169.254\r\n\r\n"
        let bytes = Array((first + second).utf8)
        #expect(try parser.feed(bytes[0..<10]).isEmpty)
        let requests = try parser.feed(bytes[10...])
        #expect(requests.map(\.method) == ["PUT", "GET"])
        #expect(requests[0].headers["x-aws-ec2-metadata-token-ttl-seconds"] == "21600" && requests[0].keepsAlive)
        #expect(requests[1].path == "/latest/meta-data/" && !requests[1].keepsAlive)
    }

    @Test("Malformed heads and oversized ones are errors")
    func refusesBadHeads() {
        for bad in ["GARBAGE\r\n\r\n", "GET relative HTTP/1.1\r\n\r\n", "GET / HTTP/2\r\n\r\n", "GET / HTTP/1.1\r\nNoColon\r\n\r\n"] {
            var parser = MetadataHTTPParser()
            #expect(throws: MetadataHTTPParser.Failure.self) { try parser.feed(Array(bad.utf8)) }
        }
        var parser = MetadataHTTPParser()
        let long = "GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: MetadataHTTPParser.maximumHeadLength)
        #expect(throws: MetadataHTTPParser.Failure.headTooLong) { try parser.feed(Array(long.utf8)) }
    }

    @Test("The server answers over its Unix socket, keeps HTTP/1.1 connections open, and answers 400 to garbage")
    func servesOverSocket() throws {
        let path = "/tmp/kiln-imds-test-\(UUID().uuidString.prefix(8)).sock"
        let server = try MetadataHTTPServer(path: path) { request in
            MetadataHTTPResponse(status: request.path == "/ok" ? 200 : 404, body: Array("path \(request.path)".utf8))
        }
        defer { server.close() }
        let connection = try UnixSocketAddress(path: path).connect()
        defer { close(connection.descriptor) }
        #expect(connection.send(Array("GET /ok HTTP/1.1\r\n\r\nGET /missing HTTP/1.1\r\nConnection: close\r\n\r\n".utf8)))
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while let count = connection.receive(into: &buffer) { received += buffer[0..<count] }
        let text = String(decoding: received, as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n") && text.contains("path /ok") && text.contains("HTTP/1.1 404 Not Found\r\n"))
        let garbage = try UnixSocketAddress(path: path).connect()
        defer { close(garbage.descriptor) }
        #expect(garbage.send(Array("NONSENSE\r\n\r\n".utf8)))
        received = []
        while let count = garbage.receive(into: &buffer) { received += buffer[0..<count] }
        #expect(String(decoding: received, as: UTF8.self).hasPrefix("HTTP/1.1 400 Bad Request"))
    }
}
