/// The scope within which identical blocks are stored once and share a key.
///
/// Unencrypted data of a region forms one domain; encrypted data forms one domain per
/// region, account and KMS key, as EBS never shares encrypted blocks across keys or accounts.
/// Each region is a separate namespace: copying to another region moves real bytes.
package struct EncryptionDomain: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The region whose store holds the blocks.
    package var region: RegionName
    /// For encrypted data: the owning account and the KMS key that wraps the domain's data key.
    package var key: EncryptionKeyReference?

    /// The unencrypted domain of `region`.
    package static func unencrypted(_ region: RegionName) -> EncryptionDomain {
        EncryptionDomain(region: region, key: nil)
    }

    /// The encrypted domain of `account`'s `kmsKeyARN` in `region`.
    package static func encrypted(_ region: RegionName, account: AccountID, kmsKeyARN: String) -> EncryptionDomain {
        EncryptionDomain(region: region, key: EncryptionKeyReference(account: account, kmsKeyARN: kmsKeyARN))
    }

    /// Whether blocks in this domain are sealed.
    package var isEncrypted: Bool { key != nil }

    /// A stable name: `us-east-1/plain` or `us-east-1/111111111111/arn:aws:kms:…`.
    package var id: String {
        guard let key else { return "\(region)/plain" }
        return "\(region)/\(key.account)/\(key.kmsKeyARN)"
    }

    package var description: String { id }
}

extension EncryptionDomain {
    /// The domain an ``id`` names; `nil` if the text is not one.
    package init?(id: String) {
        let parts = id.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        if parts.count == 2, parts[1] == "plain" {
            self = .unencrypted(RegionName(String(parts[0])))
        } else if parts.count == 3, let account = AccountID(String(parts[1])) {
            self = .encrypted(RegionName(String(parts[0])), account: account, kmsKeyARN: String(parts[2]))
        } else {
            return nil
        }
    }
}

/// The account and KMS key of an encrypted domain.
package struct EncryptionKeyReference: Sendable, Hashable, Codable {
    /// The account whose data it is.
    package var account: AccountID
    /// The KMS key's ARN.
    package var kmsKeyARN: String
}

/// The AWS-managed `aws/ebs` key each account has in each region, used when encryption is
/// asked for without a key. Its id is derived from the account and region, so it is stable.
package enum DefaultEBSKey {
    /// The key's ARN.
    package static func arn(account: AccountID, region: RegionName) -> String {
        "arn:aws:kms:\(region):\(account):key/\(keyID(account: account, region: region))"
    }

    /// A UUID-shaped id derived from the account and region (FNV-1a, spread over 128 bits).
    package static func keyID(account: AccountID, region: RegionName) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var second: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in "aws/ebs:\(account):\(region)".utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            second = (second ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 &+ 7
        }
        let hex = Hex.encode(withUnsafeBytes(of: hash.bigEndian) { Array($0) } + withUnsafeBytes(of: second.bigEndian) { Array($0) })
        let characters = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }
}
