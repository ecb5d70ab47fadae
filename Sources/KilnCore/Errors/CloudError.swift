/// An error a client sees, with the code AWS uses for it.
///
/// The domain speaks in AWS's codes (`InvalidVolume.NotFound`, `MissingParameter`) because
/// clients match on them; each front puts the code into its protocol's envelope and picks the
/// HTTP status from ``category``.
package struct CloudError: Error, Sendable, Equatable {
    /// How a front should answer: the HTTP status family.
    package enum Category: Sendable, Equatable {
        /// 400: the request is wrong.
        case client
        /// 401: who is asking could not be established.
        case authentication
        /// 403: the caller may not do this.
        case forbidden
        /// 412: a dry run that would have succeeded.
        case dryRun
        /// 413: a request body over its operation's limit.
        case tooLarge
        /// 503: too many requests.
        case throttled
        /// 500: our fault.
        case server
    }

    /// The code clients match on.
    package var code: String
    /// A sentence that says what was wrong and, where possible, what to do.
    package var message: String
    /// The status family.
    package var category: Category
    /// For REST services: the `Reason` member that some errors carry (EBS `ValidationException`).
    package var reason: String?

    /// Creates an error.
    package init(_ code: String, _ message: String, category: Category = .client, reason: String? = nil) {
        self.code = code
        self.message = message
        self.category = category
        self.reason = reason
    }
}

extension CloudError {
    /// A required parameter is missing.
    package static func missingParameter(_ name: String) -> CloudError {
        CloudError("MissingParameter", "The request must contain the parameter \(name)")
    }

    /// A parameter has a value that is not allowed.
    package static func invalidParameterValue(_ message: String) -> CloudError {
        CloudError("InvalidParameterValue", message)
    }

    /// Parameters that cannot be used together.
    package static func invalidParameterCombination(_ message: String) -> CloudError {
        CloudError("InvalidParameterCombination", message)
    }

    /// The answer to a dry run whose checks passed.
    package static let dryRunOperation = CloudError(
        "DryRunOperation",
        "Request would have succeeded, but DryRun flag is set.",
        category: .dryRun
    )

    /// Credentials that could not be verified, or a region the account may not use.
    package static func authFailure(_ message: String) -> CloudError {
        CloudError("AuthFailure", message, category: .authentication)
    }
}
