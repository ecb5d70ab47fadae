import Crypto
import Foundation

/// The opaque, expiring `BlockToken` of the EBS direct APIs: an ``ExpiringToken`` whose
/// subject is the snapshot and block index, so that it cannot be forged or moved to another block.
package struct BlockToken: Sendable {
    let token: ExpiringToken

    /// Block tokens sealed with `key`.
    package init(key: SymmetricKey) {
        token = ExpiringToken(key: key)
    }

    package func make(snapshotID: String, index: Int, expiry: Date) -> String {
        token.make(subject: "\(snapshotID)/\(index)", expiry: expiry)
    }

    /// Whether `token` was made for this snapshot and index and has not expired at `now`.
    package func verify(_ token: String, snapshotID: String, index: Int, now: Date) -> Bool {
        self.token.verify(token, subject: "\(snapshotID)/\(index)", now: now)
    }
}
