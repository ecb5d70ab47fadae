/// A launch permission.
struct PermissionRow {
    var kind: String
    var value: String
    /// The form field that names it when it is removed.
    var field: String
}
