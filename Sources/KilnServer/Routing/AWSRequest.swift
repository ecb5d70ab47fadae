import KilnCore
import KilnSigV4

/// An HTTP request addressed to one of the AWS services, with its body collected.
package struct AWSRequest: Sendable {
    /// `GET`, `POST`, `PUT`…
    package var method: String
    /// The path as it came on the wire, still percent-encoded.
    package var rawPath: String
    /// The query string as it came on the wire, without `?`.
    package var rawQuery: String
    /// Header values by lower-cased name; `host` included. Repeated headers are joined with commas.
    package var headers: [String: String]
    /// The body.
    package var body: [UInt8]
    /// The id this request is answered and logged under.
    package var requestID: String

    /// Describes a request.
    package init(method: String, rawPath: String, rawQuery: String, headers: [String: String], body: [UInt8], requestID: String) {
        self.method = method
        self.rawPath = rawPath
        self.rawQuery = rawQuery
        self.headers = headers
        self.body = body
        self.requestID = requestID
    }
}

extension AWSRequest {
    /// The parts a SigV4 signature covers.
    package var signable: SignableRequest {
        SignableRequest(method: method, rawPath: rawPath, rawQuery: rawQuery, headers: headers)
    }
}

/// What a front answers.
package struct AWSResponse: Sendable {
    /// The HTTP status.
    package var status: Int
    /// Headers to send, besides the ones every answer gets.
    package var headers: [(String, String)]
    /// The body.
    package var body: [UInt8]
    /// The operation that was asked for, for logs and metrics; `nil` when none could be read.
    package var operation: String?
    /// The error code, for logs and metrics, when the answer is an error.
    package var errorCode: String?
    /// For an error Kiln did not expect (a failing disk or database), the underlying error,
    /// which the log records with the request id; the client sees only `InternalError`.
    package var unexpectedError: String?

    /// Describes an answer.
    package init(status: Int, headers: [(String, String)], body: [UInt8], operation: String?, errorCode: String? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.operation = operation
        self.errorCode = errorCode
    }
}
