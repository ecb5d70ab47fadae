/// Who is making a request, and where: the account an access key maps to and the region of
/// the request's credential scope.
public struct Caller: Sendable, Equatable {
    /// The account the request acts as.
    public var account: AccountID
    /// The access key id the request was signed with.
    public var accessKeyID: String
    /// The region the request is served in.
    public var region: RegionName
    /// Whether the client asked for a dry run: every check runs, nothing changes, and the
    /// answer is `DryRunOperation`.
    public var dryRun: Bool

    /// Describes a caller.
    public init(account: AccountID, accessKeyID: String, region: RegionName, dryRun: Bool = false) {
        self.account = account
        self.accessKeyID = accessKeyID
        self.region = region
        self.dryRun = dryRun
    }

    /// The caller's principal: the account's root user.
    public var arn: String { "arn:aws:iam::\(account):root" }
}
