import Crypto
import Foundation

/// The opaque, expiring `BlockToken` of the EBS direct APIs: the snapshot, block index and
/// expiry, with an HMAC so that it cannot be forged or moved to another block.
package struct BlockToken {
    let key: SymmetricKey

    package init(key: SymmetricKey) { self.key = key }

    package func make(snapshotID: String, index: Int, expiry: Date) -> String {
        var payload = [UInt8]()
        withUnsafeBytes(of: UInt32(index).bigEndian) { payload.append(contentsOf: $0) }
        withUnsafeBytes(of: Int64(expiry.timeIntervalSince1970).bigEndian) { payload.append(contentsOf: $0) }
        payload.append(contentsOf: snapshotID.utf8)
        let mac = Array(HMAC<SHA256>.authenticationCode(for: payload, using: key)).prefix(16)
        return Data(payload + mac).base64EncodedString()
    }

    /// Whether `token` was made for this snapshot and index and has not expired at `now`.
    package func verify(_ token: String, snapshotID: String, index: Int, now: Date) -> Bool {
        guard let bytes = Data(base64Encoded: token).map(Array.init), bytes.count > 28 else { return false }
        let payload = Array(bytes.dropLast(16))
        let mac = Array(HMAC<SHA256>.authenticationCode(for: payload, using: key)).prefix(16)
        guard Array(mac) == Array(bytes.suffix(16)) else { return false }
        let tokenIndex = payload[0..<4].reduce(0) { $0 << 8 | Int($1) }
        let expiry = payload[4..<12].reduce(Int64(0)) { $0 << 8 | Int64($1) }
        let tokenSnapshot = String(decoding: payload[12...], as: UTF8.self)
        return tokenIndex == index && tokenSnapshot == snapshotID && Double(expiry) >= now.timeIntervalSince1970
    }
}
