/// Who is making a request, and where: the account an access key maps to and the region of
/// the request's credential scope.
package struct Caller: Sendable, Equatable {
    /// The account the request acts as.
    package var account: AccountID
    /// The access key id the request was signed with.
    package var accessKeyID: String
    /// The region the request is served in.
    package var region: RegionName
    /// Whether the client asked for a dry run: every check runs, nothing changes, and the
    /// answer is `DryRunOperation`.
    package var dryRun: Bool

    /// Describes a caller.
    package init(account: AccountID, accessKeyID: String, region: RegionName, dryRun: Bool = false) {
        self.account = account
        self.accessKeyID = accessKeyID
        self.region = region
        self.dryRun = dryRun
    }

    /// The caller's principal: the account's root user.
    package var arn: String { "arn:aws:iam::\(account):root" }
}
