/// The errors of the server's request limits: bodies over their operation's limit and
/// connections over the server's bound.
extension CloudError {
    /// A body whose declared or received length is over what its operation accepts; it is
    /// refused before it is read.
    package static func requestTooLarge(limit: Int) -> CloudError {
        CloudError(
            "RequestEntityTooLarge",
            "The request body is larger than this operation accepts (at most \(limit) bytes); it was not read.",
            category: .tooLarge
        )
    }

    /// A connection over the server's bound on open connections.
    package static let tooManyConnections = CloudError(
        "ServiceUnavailable",
        "Kiln has as many open connections as it allows; retry after a pause.",
        category: .throttled
    )
}
