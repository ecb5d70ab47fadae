import AsyncHTTPClient
import Foundation
import KilnSigV4
import NIOCore
import NIOHTTP1

/// Signed requests to one bucket of an S3-compatible store, through async-http-client, signed
/// with Kiln's own Signature Version 4 code.
///
/// Requests that fail on the way or with a 5xx are sent again, a few times, after a pause
/// that doubles: every request Kiln makes is idempotent (objects are written whole, under
/// names never reused).
package struct S3Client: Sendable {
    /// The bucket, endpoint and keys.
    package let location: S3Location
    /// The most keys one page of a listing asks for.
    package var listPageSize = 1000

    /// A client for `location`.
    package init(location: S3Location) {
        self.location = location
    }

    /// One HTTP client for the process: it keeps connections to the store open between requests,
    /// and lives as long as the process does.
    static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 32)
        configuration.decompression = .disabled
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(120))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// How many times a request is sent before its failure is final.
    static let attempts = 5

    /// An answer: status, headers by lower-cased name, body.
    package struct Answer: Sendable {
        package var status: Int
        package var headers: [String: String]
        package var body: [UInt8]
    }

    /// A request for the bucket (`key` nil) or one of its objects.
    struct Call: Sendable {
        var method: String
        var key: String?
        var query: [(String, String)] = []
        var headers: [String: String] = [:]
        var body: [UInt8] = []
        /// Statuses that are answers rather than failures (404 for HEAD, say).
        var accepting: Set<Int> = []
        /// The largest body read back.
        var answerLimit = 64 << 20
    }

    /// Sends `call`, again while it fails transiently; throws ``ObjectStoreError/requestFailed``
    /// for an error status it does not accept.
    func send(_ call: Call) async throws -> Answer {
        var pause: UInt64 = 100_000_000
        for attempt in 1...Self.attempts {
            do {
                let answer = try await sendOnce(call)
                if answer.status < 300 || call.accepting.contains(answer.status) { return answer }
                throw failure(of: call, answer: answer)
            } catch let error as ObjectStoreError where !error.isTransient {
                throw error
            } catch {
                if attempt == Self.attempts { throw error }
                try await Task.sleep(nanoseconds: pause)
                pause *= 2
            }
        }
        throw ObjectStoreError.malformedAnswer("no attempt was made")
    }

    /// The path of the bucket or of an object, not yet percent-encoded.
    func path(for key: String?) -> String {
        "/\(location.bucket)" + (key.map { "/\($0)" } ?? "")
    }

    private func sendOnce(_ call: Call) async throws -> Answer {
        let path = path(for: call.key)
        let query = call.query.map { name, value in
            value.isEmpty && name == "uploads"
                ? name : "\(SigV4Signer.uriEncode(name, keepingSlashes: false))=\(SigV4Signer.uriEncode(value, keepingSlashes: false))"
        }.joined(separator: "&")
        var toSign = call.headers.reduce(into: [String: String]()) { $0[$1.key.lowercased()] = $1.value }
        toSign["host"] = location.hostHeader
        let signing = SigV4Signer.signingHeaders(
            for: SignableRequest(method: call.method, rawPath: path, rawQuery: query, headers: toSign),
            body: call.body,
            accessKeyID: location.accessKeyID,
            secret: location.secretAccessKey,
            region: location.region,
            service: "s3",
            date: Date()
        )
        let url = location.endpoint + SigV4Signer.uriEncode(path, keepingSlashes: true) + (query.isEmpty ? "" : "?\(query)")
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: call.method)
        for (name, value) in toSign { request.headers.replaceOrAdd(name: name, value: value) }
        for (name, value) in signing { request.headers.replaceOrAdd(name: name, value: value) }
        if !call.body.isEmpty || call.method == "PUT" || call.method == "POST" {
            request.body = .bytes(ByteBuffer(bytes: call.body))
        }
        let response = try await Self.http.execute(request, timeout: .seconds(300))
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name.lowercased()] = header.value }
        var buffer = try await response.body.collect(upTo: call.answerLimit)
        return Answer(status: Int(response.status.code), headers: headers, body: buffer.readBytes(length: buffer.readableBytes) ?? [])
    }

    /// The error an error answer carries: S3's `<Code>` and `<Message>`, when it has them.
    private func failure(of call: Call, answer: Answer) -> ObjectStoreError {
        let code = S3XML.elements("Code", in: answer.body).first ?? ""
        let message = S3XML.elements("Message", in: answer.body).first ?? String(decoding: answer.body.prefix(200), as: UTF8.self)
        return .requestFailed(method: call.method, key: path(for: call.key), status: answer.status, code: code, message: message)
    }
}
