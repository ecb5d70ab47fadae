import Foundation

/// A KMS key: symmetric key material that never leaves Kiln, a state, a key policy and grants.
///
/// Customer keys keep their material wrapped by the server's key-wrapping key (see
/// ``KeyVault``). The `aws/ebs` key of an account and region is AWS managed: its id is derived
/// from the account and region (``DefaultEBSKey``), it appears on first use, and its policy
/// lets only its own account use it, so what it encrypts cannot be shared usefully.
package struct KMSKey: StoredResource, Equatable {
    package static let kind = ResourcePrefix.kmsKey

    /// A key's state.
    package enum State: String, Sendable, Codable {
        case enabled = "Enabled"
        case disabled = "Disabled"
        case pendingDeletion = "PendingDeletion"
    }

    /// A grant: a principal of another (or the same) account may use the key for some operations.
    package struct Grant: Sendable, Codable, Equatable {
        package var id: String
        package var token: String
        package var name: String?
        package var granteePrincipal: String
        package var retiringPrincipal: String?
        package var operations: [String]
        package var issuingAccount: AccountID
        package var creationDate: Date

        /// Describes a grant.
        package init(
            id: String,
            token: String,
            name: String?,
            granteePrincipal: String,
            retiringPrincipal: String?,
            operations: [String],
            issuingAccount: AccountID,
            creationDate: Date
        ) {
            self.id = id
            self.token = token
            self.name = name
            self.granteePrincipal = granteePrincipal
            self.retiringPrincipal = retiringPrincipal
            self.operations = operations
            self.issuingAccount = issuingAccount
            self.creationDate = creationDate
        }
    }

    /// The key id, a UUID.
    package var id: String
    package var owner: AccountID
    package var region: RegionName
    package var description: String
    package var state: State
    /// Whether AWS manages it (`aws/ebs`), rather than the customer.
    package var managedByAWS: Bool
    package var creationDate: Date
    /// When a key pending deletion is deleted.
    package var deletionDate: Date?
    package var pendingWindowInDays: Int?
    /// The key policy, JSON.
    package var policy: String
    /// The key material sealed by the key-wrapping key; empty for AWS managed keys, whose
    /// material is derived.
    package var wrappedMaterial: [UInt8]
    package var grants: [Grant]

    /// The key's ARN.
    package var arn: String { "arn:aws:kms:\(region):\(owner):key/\(id)" }

    /// Describes a key.
    package init(
        id: String,
        owner: AccountID,
        region: RegionName,
        description: String,
        state: State,
        managedByAWS: Bool,
        creationDate: Date,
        deletionDate: Date? = nil,
        pendingWindowInDays: Int? = nil,
        policy: String,
        wrappedMaterial: [UInt8],
        grants: [Grant]
    ) {
        self.id = id
        self.owner = owner
        self.region = region
        self.description = description
        self.state = state
        self.managedByAWS = managedByAWS
        self.creationDate = creationDate
        self.deletionDate = deletionDate
        self.pendingWindowInDays = pendingWindowInDays
        self.policy = policy
        self.wrappedMaterial = wrappedMaterial
        self.grants = grants
    }

    /// The policy AWS gives a new key: the account's root (and so its IAM policies) may do anything.
    package static func defaultPolicy(owner: AccountID) -> String {
        """
        {
          "Version" : "2012-10-17",
          "Id" : "key-default-1",
          "Statement" : [ {
            "Sid" : "Enable IAM User Permissions",
            "Effect" : "Allow",
            "Principal" : { "AWS" : "arn:aws:iam::\(owner):root" },
            "Action" : "kms:*",
            "Resource" : "*"
          } ]
        }
        """
    }

    /// The `aws/ebs` key of an account and region as it is before anything stored it.
    package static func defaultEBSKey(account: AccountID, region: RegionName, now: Date) -> KMSKey {
        KMSKey(
            id: DefaultEBSKey.keyID(account: account, region: region),
            owner: account,
            region: region,
            description: "Default key that protects my EBS volumes when no other key is defined",
            state: .enabled,
            managedByAWS: true,
            creationDate: now,
            policy: defaultPolicy(owner: account),
            wrappedMaterial: [],
            grants: []
        )
    }
}

extension KMSKey {
    /// The account, region and resource (`key/ID` or `alias/NAME`) of a KMS key or alias ARN.
    package static func parseARN(_ arn: String) -> (account: AccountID, region: RegionName, resource: String)? {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "kms", let account = AccountID(String(parts[4])) else { return nil }
        return (account, RegionName(String(parts[3])), String(parts[5]))
    }

    /// The key `resource` names in an account and region: `key/ID`, a bare key id,
    /// `alias/NAME`, or `alias/aws/ebs`. The `aws/ebs` key is found even before anything
    /// stored it. `nil` when there is no such key (or alias).
    static func lookup(_ resource: String, account: AccountID, region: RegionName, in transaction: any MetadataTransaction) throws -> KMSKey? {
        let defaultID = DefaultEBSKey.keyID(account: account, region: region)
        var keyID: String
        if resource == "alias/aws/ebs" {
            keyID = defaultID
        } else if resource.hasPrefix("alias/") {
            guard let alias = try transaction.fetch(KMSAlias.self, id: KMSAlias.id(account: account, region: region, name: resource)) else {
                return nil
            }
            keyID = alias.targetKeyID
        } else {
            keyID = resource.hasPrefix("key/") ? String(resource.dropFirst(4)) : resource
        }
        if let key = try transaction.fetch(KMSKey.self, id: keyID), key.owner == account, key.region == region { return key }
        return keyID == defaultID ? defaultEBSKey(account: account, region: region, now: Date(timeIntervalSince1970: 0)) : nil
    }
}

/// An alias: a friendly name (`alias/…`) for a key in one account and region.
package struct KMSAlias: StoredResource, Equatable {
    package static let kind = ResourcePrefix.kmsAlias

    package var id: String
    package var owner: AccountID
    package var region: RegionName
    /// `alias/…`.
    package var name: String
    package var targetKeyID: String
    package var creationDate: Date
    package var lastUpdatedDate: Date

    /// The alias's ARN.
    package var arn: String { "arn:aws:kms:\(region):\(owner):\(name)" }

    /// The stored id of an alias.
    package static func id(account: AccountID, region: RegionName, name: String) -> String {
        "kms-alias|\(account)|\(region)|\(name)"
    }
}
