/// A message shown once, on the page an action returns to.
package struct Flash: Sendable, Equatable, Codable {
    /// The AWS error code, for a failure.
    package var code: String?
    package var message: String

    /// What an action reports.
    package init(code: String? = nil, message: String) {
        self.code = code
        self.message = message
    }

    /// Whether it reports a failure.
    package var isError: Bool { code != nil }
}
