/// A flash as the layout shows it.
struct FlashView {
    var code: String?
    var message: String
    /// `error` or `notice`, the CSS class.
    var kind: String
    /// `alert` for errors, `status` for notices.
    var role: String

    init(_ flash: Flash) {
        code = flash.code
        message = flash.message
        kind = flash.isError ? "error" : "notice"
        role = flash.isError ? "alert" : "status"
    }
}
