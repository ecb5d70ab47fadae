/// An error's code and message.
struct ProblemView {
    var code: String
    var message: String
}
