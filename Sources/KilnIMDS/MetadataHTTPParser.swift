/// Reads HTTP/1.x requests from a byte stream, one at a time: a request line, headers up to
/// the blank line, and a body of `Content-Length` bytes, which is dropped.
///
/// Invariant: `buffer` holds the bytes received and not yet consumed by a request. A head
/// longer than ``maximumHeadLength`` or a malformed one is an error, after which the
/// connection is answered 400 and closed.
package struct MetadataHTTPParser: Sendable {
    /// The longest request head accepted, in bytes.
    package static let maximumHeadLength = 16_384
    /// The longest body read past, in bytes.
    package static let maximumBodyLength = 65_536

    /// Why bytes are not a request.
    package enum Failure: Error, Equatable {
        case headTooLong
        case malformed(String)
    }

    private var buffer: [UInt8] = []

    package init() {}

    /// Adds received bytes; returns the requests now complete, in order.
    package mutating func feed<Bytes: Sequence>(_ bytes: Bytes) throws(Failure) -> [MetadataHTTPRequest] where Bytes.Element == UInt8 {
        buffer.append(contentsOf: bytes)
        var requests: [MetadataHTTPRequest] = []
        while let request = try next() { requests.append(request) }
        return requests
    }

    /// The first complete request in the buffer, consumed, or nil when more bytes are needed.
    private mutating func next() throws(Failure) -> MetadataHTTPRequest? {
        guard let headEnd = Self.endOfHead(in: buffer) else {
            if buffer.count > Self.maximumHeadLength { throw .headTooLong }
            return nil
        }
        guard headEnd <= Self.maximumHeadLength else { throw .headTooLong }
        let request = try Self.parseHead(buffer[..<headEnd])
        let bodyLength = try Self.bodyLength(request)
        let total = headEnd + 4 + bodyLength
        guard buffer.count >= total else { return nil }
        buffer.removeFirst(total)
        return request
    }

    /// The index of the `\r\n\r\n` that ends the head.
    private static func endOfHead(in bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4) where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }

    private static func parseHead(_ head: ArraySlice<UInt8>) throws(Failure) -> MetadataHTTPRequest {
        guard let text = String(validating: head, as: UTF8.self) else { throw .malformed("the request head is not UTF-8") }
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)
        guard !lines.isEmpty else { throw .malformed("no request line") }
        let requestLine = lines.removeFirst().split(separator: " ", omittingEmptySubsequences: false)
        guard requestLine.count == 3, !requestLine[0].isEmpty, requestLine[1].hasPrefix("/") else {
            throw .malformed("the request line is not METHOD PATH VERSION")
        }
        let version = String(requestLine[2])
        guard version == "HTTP/1.0" || version == "HTTP/1.1" else { throw .malformed("unsupported version \(version)") }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else { throw .malformed("a header line has no name") }
            let name = line[..<colon].lowercased()
            guard !name.contains(" ") else { throw .malformed("a header name holds a space") }
            headers[name] = line[line.index(after: colon)...].trimmingSpaces
        }
        let target = requestLine[1]
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? target
        return MetadataHTTPRequest(method: String(requestLine[0]), path: String(path), version: version, headers: headers)
    }

    private static func bodyLength(_ request: MetadataHTTPRequest) throws(Failure) -> Int {
        if request.headers["transfer-encoding"] != nil { throw .malformed("chunked bodies are not accepted") }
        guard let text = request.headers["content-length"] else { return 0 }
        guard let length = Int(text), length >= 0, length <= maximumBodyLength else { throw .malformed("a bad Content-Length") }
        return length
    }
}

extension Substring {
    /// The text without leading and trailing spaces and tabs.
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
