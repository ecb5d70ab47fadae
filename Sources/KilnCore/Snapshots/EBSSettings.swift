/// An account's EBS settings in one region: encryption by default and its default key.
public struct EBSSettings: StoredResource, Equatable {
    public static let kind = ResourcePrefix.ebsSettings

    public var id: String
    public var owner: AccountID
    public var region: RegionName
    /// Whether new volumes and snapshot copies are encrypted when the request does not say.
    public var encryptionByDefault: Bool
    /// The key used when encryption is asked for without one; `nil` for the `aws/ebs` key.
    public var defaultKMSKeyID: String?

    /// The settings of `account` in `region`, as AWS has them before any change.
    public init(account: AccountID, region: RegionName) {
        id = Self.id(account: account, region: region)
        owner = account
        self.region = region
        encryptionByDefault = false
        defaultKMSKeyID = nil
    }

    static func id(account: AccountID, region: RegionName) -> String { "ebs-settings-\(account)-\(region)" }

    /// The key encrypted data gets when the request names none.
    public var effectiveKMSKeyID: String { defaultKMSKeyID ?? DefaultEBSKey.arn(account: owner, region: region) }
}
