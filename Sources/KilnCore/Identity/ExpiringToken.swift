import Crypto
import Foundation

/// Opaque tokens that name a subject until an expiry, sealed with an HMAC so that nobody
/// without the key can make one, change one, or move one to another subject.
///
/// A token is base64 of the expiry (seconds, 8 bytes big-endian), the subject's UTF-8 bytes
/// and the first 16 bytes of their HMAC-SHA256. The EBS direct APIs' block tokens and the
/// instance metadata service's session tokens are such tokens, each under its own key.
struct ExpiringToken: Sendable {
    let key: SymmetricKey

    /// A token for `subject`, valid until `expiry`.
    func make(subject: String, expiry: Date) -> String {
        var payload = [UInt8]()
        withUnsafeBytes(of: Int64(expiry.timeIntervalSince1970).bigEndian) { payload.append(contentsOf: $0) }
        payload.append(contentsOf: subject.utf8)
        return Data(payload + tag(payload)).base64EncodedString()
    }

    /// Whether `token` was made for `subject` and has not expired at `now`.
    func verify(_ token: String, subject: String, now: Date) -> Bool {
        guard let bytes = Data(base64Encoded: token).map(Array.init), bytes.count >= 8 + Self.tagLength else { return false }
        let payload = Array(bytes.dropLast(Self.tagLength))
        guard tag(payload) == Array(bytes.suffix(Self.tagLength)) else { return false }
        let expiry = payload[0..<8].reduce(Int64(0)) { $0 << 8 | Int64($1) }
        return String(decoding: payload[8...], as: UTF8.self) == subject && Double(expiry) >= now.timeIntervalSince1970
    }

    private static let tagLength = 16

    private func tag(_ payload: [UInt8]) -> [UInt8] {
        Array(Array(HMAC<SHA256>.authenticationCode(for: payload, using: key)).prefix(Self.tagLength))
    }
}
