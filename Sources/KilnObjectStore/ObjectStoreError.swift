/// What can go wrong with the object store: the errors operators and logs see. Clients of the
/// cloud never see these as they are: an object-store failure behind an AWS call is an internal
/// error of that call.
package enum ObjectStoreError: Error, CustomStringConvertible, Equatable {
    /// A `--blocks` location that cannot be used.
    case badLocation(String, String)
    /// The store answered a request with an error.
    case requestFailed(method: String, key: String, status: Int, code: String, message: String)
    /// A read returned fewer bytes than it asked for.
    case shortRead(key: String, offset: Int, wanted: Int, got: Int)
    /// The store's answer could not be read.
    case malformedAnswer(String)

    package var description: String {
        switch self {
        case .badLocation(let text, let reason):
            return "--blocks \(text): \(reason)"
        case .requestFailed(let method, let key, let status, let code, let message):
            return "object store: \(method) \(key) failed with HTTP \(status) \(code): \(message)"
        case .shortRead(let key, let offset, let wanted, let got):
            return "object store: \(key) has \(got) of the \(wanted) bytes asked for at \(offset)"
        case .malformedAnswer(let what):
            return "object store: cannot read the answer: \(what)"
        }
    }

    /// Whether the request may succeed if sent again: the store was busy or failed inside.
    var isTransient: Bool {
        if case .requestFailed(_, _, let status, _, _) = self { return status >= 500 || status == 429 }
        return false
    }
}
