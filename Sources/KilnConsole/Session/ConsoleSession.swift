import Foundation
import KilnCore

/// A signed-in browser: the account it acts as, the region it looks at, and the token its
/// forms carry.
package struct ConsoleSession: Sendable, Equatable, Codable {
    /// The cookie's value: 256 random bits, hex.
    package var id: String
    package var account: AccountID
    /// The access key the session signed in with (in dev mode, the account's number).
    package var accessKeyID: String
    package var region: RegionName
    /// What every POST form of this session carries.
    package var csrfToken: String
    /// When the session was last used; it ends after ``SessionTable/idleLimit`` without use.
    package var lastSeen: Date
    /// A message for the next page: what the last action did, or why it failed.
    package var flash: Flash?

    /// The caller the services see: the session's account in `region`, or in its own region.
    package func caller(in region: RegionName? = nil) -> Caller {
        Caller(account: account, accessKeyID: accessKeyID, region: region ?? self.region)
    }
}
