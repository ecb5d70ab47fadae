import Foundation
import HTTPTypes
import KilnCore

/// An error as a page shows it: AWS's code and message, and the HTTP status.
struct Problem: Sendable {
    var code: String
    var message: String
    var status: HTTPResponse.Status
    /// What went wrong, for the log, when it was not a ``CloudError``.
    var unexpected: String?

    init(_ error: any Error) {
        guard let error = error as? CloudError else {
            code = "InternalError"
            message = "An internal error has occurred"
            status = .internalServerError
            unexpected = String(describing: error)
            return
        }
        code = error.code
        message = error.message
        switch error.category {
        case _ where error.code.hasSuffix(".NotFound"): status = .notFound
        case .client, .dryRun: status = .badRequest
        case .authentication: status = .unauthorized
        case .forbidden: status = .forbidden
        case .throttled: status = .serviceUnavailable
        case .tooLarge: status = .contentTooLarge
        case .server: status = .internalServerError
        }
    }
}
