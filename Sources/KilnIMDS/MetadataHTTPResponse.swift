/// An answer of the instance metadata service, as bytes on the wire.
package struct MetadataHTTPResponse: Sendable, Equatable {
    package var status: Int
    package var headers: [(name: String, value: String)]
    package var body: [UInt8]

    /// An answer with `status`, a body, and headers beyond those every answer has.
    package init(status: Int, body: [UInt8], contentType: String = "text/plain", headers: [(name: String, value: String)] = []) {
        self.status = status
        self.body = body
        self.headers = [("Content-Type", contentType)] + headers
    }

    /// The status line's reason phrase.
    var reason: String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        default: "Error"
        }
    }

    /// The answer on the wire, in `version`, closing the connection or keeping it alive.
    package func encoded(version: String, keepAlive: Bool) -> [UInt8] {
        var head = "\(version) \(status) \(reason)\r\n"
        for header in headers { head += "\(header.name): \(header.value)\r\n" }
        head += "Content-Length: \(body.count)\r\nConnection: \(keepAlive ? "keep-alive" : "close")\r\nServer: EC2ws\r\n\r\n"
        return Array(head.utf8) + body
    }

    package static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.status == rhs.status && lhs.body == rhs.body && lhs.headers.map(\.name) == rhs.headers.map(\.name)
            && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }
}
