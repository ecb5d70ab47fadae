import Crypto
import Foundation

/// What a page token is bound to, and the key that seals it.
///
/// A token is a position (an offset, or the last id of a page) followed by a 128-bit HMAC of
/// the binding and the position, in base64url. The binding is a digest of the operation, the
/// caller's account and region, and the call's other parameters (filters, ids, owners), so a
/// token used by another call, another account or with other filters fails its check, and
/// so does a token whose bytes were changed.
package struct PageScope: Sendable {
    private let key: SymmetricKey
    private let binding: [UInt8]

    /// A scope sealed with `key` for `operation` by `caller` with `parameters`.
    init(key: SymmetricKey, operation: String, caller: Caller, parameters: [String]) {
        self.key = key
        let text = ([operation, caller.account.rawValue, caller.region.rawValue] + parameters).joined(separator: "\u{0}")
        binding = Array(SHA256.hash(data: Array(text.utf8)))
    }

    /// A scope whose tokens no other scope opens: for calls that never hand a token out.
    package static var unbound: PageScope {
        PageScope(
            key: SymmetricKey(size: .bits256),
            operation: "",
            caller: Caller(account: .defaultAccount, accessKeyID: "", region: ""),
            parameters: []
        )
    }

    /// The token for `position`.
    func seal(_ position: String) -> String {
        let bytes = Array(position.utf8)
        return Self.base64url(bytes + tag(bytes))
    }

    /// The position sealed in `token`, or `nil` when the token is not one of this scope's.
    func open(_ token: String) -> String? {
        guard let bytes = Self.decodeBase64url(token), bytes.count > Self.tagLength else { return nil }
        let position = Array(bytes.dropLast(Self.tagLength))
        guard Array(bytes.suffix(Self.tagLength)) == tag(position) else { return nil }
        return String(bytes: position, encoding: .utf8)
    }

    private static let tagLength = 16

    private func tag(_ position: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: binding + position, using: key)).prefix(Self.tagLength).map { $0 }
    }

    private static func base64url(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func decodeBase64url(_ text: String) -> [UInt8]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64).map(Array.init)
    }
}

extension CloudContext {
    /// The scope of the page tokens of `operation` called by `caller` with `parameters`: every
    /// parameter of the call except its MaxResults and NextToken, as text.
    package func pageScope(_ operation: String, caller: Caller, parameters: [String]) -> PageScope {
        PageScope(key: pageTokenKey, operation: operation, caller: caller, parameters: parameters)
    }
}

extension CloudContext {
    /// A front's page request for `operation` by `caller`: its MaxResults within `allowed`, and
    /// its NextToken, sealed to the call's other `parameters`.
    package func pageRequest(
        _ operation: String,
        caller: Caller,
        maxResults: Int?,
        nextToken: String?,
        allowed: ClosedRange<Int>,
        parameters: [String]
    ) throws -> PageRequest {
        try PageRequest(
            maxResults: maxResults,
            nextToken: nextToken,
            allowed: allowed,
            scope: pageScope(operation, caller: caller, parameters: parameters)
        )
    }
}
