/// An account's settings in one region: EBS encryption by default and its default key, and
/// image block public access.
package struct AccountRegionSettings: StoredResource, Equatable {
    package static let kind = ResourcePrefix.accountSettings

    package var id: String
    package var owner: AccountID
    package var region: RegionName
    /// Whether new volumes and snapshot copies are encrypted when the request does not say.
    package var encryptionByDefault: Bool
    /// The key used when encryption is asked for without one; `nil` for the `aws/ebs` key.
    package var defaultKMSKeyID: String?
    /// Whether new public sharing of images is refused (`block-new-sharing`). On for new accounts, as in AWS.
    package var imageBlockPublicAccess: Bool

    /// The settings of `account` in `region`, as AWS has them for a new account.
    package init(account: AccountID, region: RegionName) {
        id = Self.id(account: account, region: region)
        owner = account
        self.region = region
        encryptionByDefault = false
        defaultKMSKeyID = nil
        imageBlockPublicAccess = true
    }

    static func id(account: AccountID, region: RegionName) -> String { "settings-\(account)-\(region)" }

    /// The key encrypted data gets when the request names none.
    package var effectiveKMSKeyID: String { defaultKMSKeyID ?? DefaultEBSKey.arn(account: owner, region: region) }
}
