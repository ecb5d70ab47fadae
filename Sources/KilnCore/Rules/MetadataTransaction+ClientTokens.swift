/// Idempotency: the one way every call that takes a ClientToken keeps it.
///
/// A call checks its token and claims it inside the same write transaction that makes its
/// resource. The store runs write transactions one at a time, so of two concurrent calls with
/// one token, exactly one makes the resource and the other finds the claim and answers with
/// that resource.
extension MetadataTransaction {
    /// The resource that an earlier call of `operation` with `token` made for the caller, if any.
    func claimedResource(of token: String, by operation: IdempotentOperation, caller: Caller) throws -> String? {
        try clientTokenClaim(token, by: operation, caller: caller)?.resourceID
    }

    /// The claim an earlier call of `operation` with `token` left for the caller, if any.
    func clientTokenClaim(_ token: String, by operation: IdempotentOperation, caller: Caller) throws -> ClientTokenClaim? {
        try fetch(
            ClientTokenClaim.self,
            id: ClientTokenClaim.id(operation: operation.rawValue, token: token, account: caller.account, region: caller.region)
        )
    }

    /// Records that `token` made `resourceID` (and `members`, when the call made several), so
    /// that a retry answers with it.
    func claimClientToken(_ token: String, by operation: IdempotentOperation, caller: Caller, resourceID: String, members: [String]? = nil) throws {
        try save(
            ClientTokenClaim(
                operation: operation.rawValue,
                token: token,
                account: caller.account,
                region: caller.region,
                resourceID: resourceID,
                memberIDs: members
            )
        )
    }

    /// Forgets a claim, when the resource it names is gone for good.
    func releaseClientToken(_ token: String, of operation: IdempotentOperation, account: AccountID, region: RegionName) throws {
        try delete(ClientTokenClaim.self, id: ClientTokenClaim.id(operation: operation.rawValue, token: token, account: account, region: region))
    }
}

/// The calls that take a ClientToken; the raw value is the operation's name, part of each
/// claim's id.
enum IdempotentOperation: String, Sendable {
    case startSnapshot = "StartSnapshot"
    case runInstances = "RunInstances"
    case copyImage = "CopyImage"
    case createVolume = "CreateVolume"
    case createLaunchTemplate = "CreateLaunchTemplate"
}
