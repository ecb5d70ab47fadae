import Crypto
import Foundation

/// Unguessable tokens for session ids and CSRF tokens, and their comparison.
enum RandomToken {
    /// 256 random bits from the system's generator, as 64 hex digits.
    static func make() -> String {
        let key = SymmetricKey(size: .bits256)
        return key.withUnsafeBytes { bytes in bytes.map { String(format: "%02x", $0) }.joined() }
    }

    /// Whether `a` and `b` are equal, in a time that does not depend on where they differ.
    static func matches(_ a: String, _ b: String) -> Bool {
        let x = Array(SHA256.hash(data: Array(a.utf8)))
        let y = Array(SHA256.hash(data: Array(b.utf8)))
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
