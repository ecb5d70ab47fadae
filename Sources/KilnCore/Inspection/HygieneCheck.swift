/// What `kiln serve --hygiene-check` does when ModifyImageAttribute shares an image that
/// holds high-severity findings (secrets, SSH host keys).
package enum HygieneCheck: String, Sendable, CaseIterable {
    /// No check: sharing never reads the image.
    case off
    /// The share goes ahead; the findings are logged.
    case warn
    /// The share is refused with an error that names the findings.
    case refuse
}
