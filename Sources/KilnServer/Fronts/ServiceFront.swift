import KilnCore
import KilnWire

/// One AWS service as Kiln answers it: reads its protocol's requests, calls the domain
/// through its ``OperationTable``, and writes its protocol's answers and errors.
package protocol ServiceFront: Sendable {
    /// The service's signing name, as SigV4 credential scopes carry it (`ec2`, `sts`).
    var signingName: String { get }
    /// Answers an authenticated request.
    func respond(to request: AWSRequest, caller: Caller) async -> AWSResponse
    /// Answers a request whose authentication failed, with this service's code for it.
    func refuse(_ request: AWSRequest, because problem: AuthProblem) -> AWSResponse
    /// What is known of a request from its head alone: its operation's body limit and check.
    func admission(for head: AWSRequest) -> RequestAdmission
    /// Answers `error` in this service's envelope.
    func reject(_ request: AWSRequest, with error: any Error, operation: String?) -> AWSResponse
}

/// What a front knows of a request before its body is read.
package struct RequestAdmission: Sendable {
    /// The operation, when the head names it.
    package var operation: String?
    /// The most body bytes the request may carry.
    package var bodyLimit: Int
    /// The operation's check before the body is read, with the URI labels it reads.
    package var check: OperationTable.Admission?
    /// The URI labels of a REST request.
    package var labels: [String: String] = [:]

    /// A request whose operation is not known before its body is read.
    package static let unknown = RequestAdmission(operation: nil, bodyLimit: OperationTable.defaultBodyLimit, check: nil)
}

extension ServiceFront {
    /// Query and JSON requests name their operation in the body or a header; every one of
    /// them takes the default limit.
    package func admission(for head: AWSRequest) -> RequestAdmission { .unknown }
}

/// An error about to be sent: its code, message, status and, for REST services, reason.
struct OutgoingError {
    var code: String
    var message: String
    var status: Int
    var reason: String?
    /// The underlying error of a 500, for the log.
    var unexpected: String?

    /// Maps a domain or wire error; `modeled` gives the statuses the service's model defines.
    init(_ error: any Error, validationCode: String, modeled: [String: ModeledError] = [:]) {
        switch error {
        case let error as CloudError:
            code = error.code
            message = error.message
            reason = error.reason
            status = modeled[error.code]?.status ?? Self.status(of: error.category)
        case let error as WireError:
            switch (error.kind, validationCode) {
            case (.missingParameter, "InvalidParameterValue"): code = "MissingParameter"
            case (.malformedInput, "InvalidParameterValue"): code = "MalformedQueryString"
            default: code = validationCode
            }
            message = error.message
            status = 400
            reason = nil
        default:
            code = "InternalError"
            message = "An internal error has occurred"
            status = 500
            reason = nil
            unexpected = String(reflecting: error)
        }
    }

    init(code: String, message: String, status: Int) {
        self.code = code
        self.message = message
        self.status = status
    }

    static func status(of category: CloudError.Category) -> Int {
        switch category {
        case .client: return 400
        case .authentication: return 401
        case .forbidden: return 403
        case .dryRun: return 412
        case .tooLarge: return 413
        case .throttled: return 503
        case .server: return 500
        }
    }

    /// The answer non-EC2 services give for an authentication problem.
    static func signatureProblem(_ problem: AuthProblem) -> OutgoingError {
        switch problem {
        case .missingSignature:
            return OutgoingError(code: "MissingAuthenticationToken", message: "Request is missing Authentication Token", status: 403)
        case .malformedSignature:
            return OutgoingError(code: "IncompleteSignature", message: "The request signature does not conform to AWS standards.", status: 403)
        case .unknownAccessKey:
            return OutgoingError(code: "InvalidClientTokenId", message: "The security token included in the request is invalid.", status: 403)
        case .signatureMismatch:
            return OutgoingError(
                code: "SignatureDoesNotMatch",
                message:
                    "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.",
                status: 403
            )
        case .payloadHashMismatch:
            return OutgoingError(
                code: "SignatureDoesNotMatch",
                message: "The signed x-amz-content-sha256 is not the SHA-256 of the request body that arrived.",
                status: 403
            )
        case .expired(let signedAt):
            return OutgoingError(
                code: "SignatureDoesNotMatch",
                message: "Signature expired: \(signedAt) is now earlier or later than the allowed 15 minutes from the current time.",
                status: 403
            )
        }
    }
}
