import AsyncHTTPClient
import Foundation
import KilnServer
import KilnSigV4
import NIOCore
import NIOHTTP1

/// Signed HTTP calls to a Kiln server, as the aws CLI would make them.
final class KilnClient: Sendable {
    let settings: ClientSettings
    private let http: HTTPClient

    init(_ settings: ClientSettings) {
        self.settings = settings
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func shutdown() async {
        try? await http.shutdown()
    }

    /// An answer: status, headers by lower-cased name, body.
    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]

        /// The body as JSON.
        func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
                throw ClientError("the server's answer is not a JSON object: \(String(decoding: body.prefix(200), as: UTF8.self))")
            }
            return object
        }
    }

    /// Sends a request signed for `service`; `path` and `query` are already percent-encoded.
    func send(
        _ method: String,
        path: String,
        query: String = "",
        headers extra: [String: String] = [:],
        body: [UInt8] = [],
        service: String,
        signPayload: Bool = true
    ) async throws -> Answer {
        let host = settings.endpoint.port.map { "\(settings.endpoint.host ?? "127.0.0.1"):\($0)" } ?? (settings.endpoint.host ?? "127.0.0.1")
        var toSign = extra.reduce(into: [String: String]()) { $0[$1.key.lowercased()] = $1.value }
        toSign["host"] = host
        let signing = SigV4Signer.signingHeaders(
            for: SignableRequest(method: method, rawPath: path, rawQuery: query, headers: toSign),
            body: body,
            signPayload: signPayload,
            accessKeyID: settings.accessKeyID,
            secret: settings.secretAccessKey,
            region: settings.region,
            service: service,
            date: Date()
        )
        let base =
            settings.endpoint.absoluteString.hasSuffix("/") ? String(settings.endpoint.absoluteString.dropLast()) : settings.endpoint.absoluteString
        var request = HTTPClientRequest(url: base + path + (query.isEmpty ? "" : "?\(query)"))
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in extra { request.headers.add(name: name, value: value) }
        for (name, value) in signing { request.headers.add(name: name, value: value) }
        if !body.isEmpty { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await http.execute(request, timeout: .seconds(300))
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name.lowercased()] = header.value }
        return Answer(
            status: Int(response.status.code),
            headers: headers,
            body: try await response.body.collectBytes(upTo: Self.maximumAnswerSize, declaredLength: headers["content-length"].flatMap { Int($0) })
        )
    }

    /// The most bytes an answer may carry.
    static let maximumAnswerSize = 128 << 20

    /// Sends a JSON request to a REST-JSON service and checks the status, throwing AWS's error.
    func restJSON(_ method: String, path: String, query: String = "", json: [String: Any]? = nil, service: String) async throws -> [String: Any] {
        let body = try json.map { try Array(JSONSerialization.data(withJSONObject: $0)) } ?? []
        let answer = try await send(
            method,
            path: path,
            query: query,
            headers: json == nil ? [:] : ["Content-Type": "application/json"],
            body: body,
            service: service
        )
        try Self.check(answer)
        return answer.body.isEmpty ? [:] : try answer.json()
    }

    /// Calls an EC2 query operation; returns the XML answer, or throws the EC2 error it carries.
    func ec2(_ parameters: [(String, String)]) async throws -> [UInt8] {
        let body = parameters.map { "\(Self.formEncode($0.0))=\(Self.formEncode($0.1))" }.joined(separator: "&")
        let answer = try await send(
            "POST",
            path: "/",
            headers: ["Content-Type": "application/x-www-form-urlencoded; charset=utf-8"],
            body: Array(body.utf8),
            service: "ec2"
        )
        guard answer.status < 300 else {
            let code = Self.firstElement("Code", in: answer.body) ?? "HTTP \(answer.status)"
            throw ClientError("\(code): \(Self.firstElement("Message", in: answer.body) ?? "")")
        }
        return answer.body
    }

    static func formEncode(_ text: String) -> String {
        text.addingPercentEncoding(
            withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")
        ) ?? text
    }

    /// The text of the first `<name>…</name>` in an XML answer (Kiln's own answers: no attributes, no CDATA).
    static func firstElement(_ name: String, in xml: [UInt8]) -> String? {
        elements(name, in: xml).first
    }

    /// The contents of every top-level-or-nested `<name>…</name>` in an XML answer, in order.
    static func elements(_ name: String, in xml: [UInt8]) -> [String] {
        let text = String(decoding: xml, as: UTF8.self)
        var found: [String] = []
        var rest = text[...]
        while let open = rest.range(of: "<\(name)>") {
            guard let close = rest[open.upperBound...].range(of: "</\(name)>") else { break }
            found.append(
                String(rest[open.upperBound..<close.lowerBound]).replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(
                    of: "&gt;",
                    with: ">"
                )
                .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'").replacingOccurrences(
                    of: "&amp;",
                    with: "&"
                )
            )
            rest = rest[close.upperBound...]
        }
        return found
    }

    /// Throws the AWS error an answer carries, if it is not a success.
    static func check(_ answer: Answer) throws {
        guard answer.status >= 300 else { return }
        let object = (try? JSONSerialization.jsonObject(with: Data(answer.body))) as? [String: Any]
        let code = answer.headers["x-amzn-errortype"] ?? (object?["Code"] as? String) ?? (object?["__type"] as? String) ?? "HTTP \(answer.status)"
        let message = (object?["Message"] as? String) ?? (object?["message"] as? String) ?? String(decoding: answer.body.prefix(300), as: UTF8.self)
        throw ClientError("\(code): \(message)")
    }
}

/// A failure a client command reports and exits on.
struct ClientError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
