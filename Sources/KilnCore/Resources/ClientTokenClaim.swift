/// A client token that an idempotent call has used, and the resource the call made.
///
/// A call repeated with the same token answers with that resource instead of making another.
/// The claim is kept under an id built from the operation, account, region and token, so
/// finding it is one lookup, however many resources the account has.
package struct ClientTokenClaim: StoredResource, Equatable {
    package static let kind = ResourcePrefix.clientToken

    package var id: String
    package var owner: AccountID
    package var region: RegionName
    /// The resource the first call made.
    package var resourceID: String
    /// The resources inside it, when the call made several (RunInstances: the reservation's
    /// instances, in launch order).
    package var memberIDs: [String]?

    /// A claim of `token` by `operation` in `account` and `region` for `resourceID`.
    package init(operation: String, token: String, account: AccountID, region: RegionName, resourceID: String, memberIDs: [String]? = nil) {
        id = Self.id(operation: operation, token: token, account: account, region: region)
        owner = account
        self.region = region
        self.resourceID = resourceID
        self.memberIDs = memberIDs
    }

    /// The id of the claim on `token`; the token is last, so any characters it holds stay in it.
    static func id(operation: String, token: String, account: AccountID, region: RegionName) -> String {
        "client-token-\(operation)-\(account)-\(region)-\(token)"
    }
}
