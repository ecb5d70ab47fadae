/// The errors of the web console's sign-in and forms; what the console's actions do is
/// refused with the same errors the API gives.
extension CloudError {
    /// A sign-in whose access key is unknown or whose secret does not match.
    package static let consoleSignInFailed = CloudError(
        "AuthFailure",
        "The access key id or the secret access key is not valid.",
        category: .authentication
    )

    /// A dev-mode sign-in that names no account.
    package static func consoleAccountInvalid(_ text: String) -> CloudError {
        CloudError("InvalidParameterValue", "An account is 12 digits, not \"\(text)\".")
    }

    /// A form posted without this session's CSRF token, or from another site.
    package static let consoleFormRefused = CloudError(
        "InvalidCSRFToken",
        "The form was not sent from this session's page; reload the page and submit it again.",
        category: .forbidden
    )

    /// A page or form of the console without a signed-in session.
    package static let consoleSignInRequired = CloudError(
        "AuthFailure",
        "Sign in to use the console.",
        category: .authentication
    )

    /// A form that names an action the console does not have.
    package static func consoleUnknownAction(_ name: String) -> CloudError {
        CloudError("InvalidAction", "The console has no action \"\(name)\".")
    }
}
