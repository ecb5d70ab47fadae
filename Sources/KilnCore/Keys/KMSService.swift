import Crypto
import Foundation

/// KMS: keys, aliases, key policies, grants, and the cryptographic operations.
package struct KMSService: CloudService {
    package let context: CloudContext
}

extension ScheduledTransition.Kind {
    /// A key pending deletion is deleted at the end of its waiting period.
    package static let kmsKeyDeleted = Self(rawValue: "kms.key-deleted")
}

/// KMS: keys, aliases, policies, grants, and encryption under a key.
extension KMSService {

    static func registerTransitions(in scheduler: inout TransitionScheduler) {
        scheduler.register(.kmsKeyDeleted) { transition, transaction in
            guard let key = try transaction.fetch(KMSKey.self, id: transition.resourceID), key.state == .pendingDeletion else { return }
            try transaction.delete(KMSKey.self, id: key.id)
            for alias in try transaction.fetchAll(KMSAlias.self, region: key.region, owner: key.owner) where alias.targetKeyID == key.id {
                try transaction.delete(KMSAlias.self, id: alias.id)
            }
        }
    }

    /// The caller's own key, for the calls only its owner makes.
    private func ownKMSKey(_ reference: String, caller: Caller, in transaction: any MetadataTransaction) throws -> KMSKey {
        let key = try transaction.kmsKey(reference, caller: caller, now: clock.now)
        guard key.owner == caller.account else {
            throw CloudError.kmsNotKeyManager(caller.arn, key.arn)
        }
        return key
    }

    /// Stores an AWS managed key the first time something uses it.
    private func storeIfNew(_ key: KMSKey, in transaction: any MetadataTransaction) throws {
        if key.managedByAWS, try transaction.fetch(KMSKey.self, id: key.id) == nil { try transaction.save(key) }
    }

    /// CreateKey: a symmetric encryption key with new material.
    package func createKey(_ caller: Caller, description: String?, policy: String?, keySpec: String?, keyUsage: String?) async throws -> KMSKey {
        if let keySpec, keySpec != "SYMMETRIC_DEFAULT" {
            throw CloudError.kmsUnsupportedKeySpec(keySpec)
        }
        if let keyUsage, keyUsage != "ENCRYPT_DECRYPT" {
            throw CloudError.kmsUnsupportedKeyUsage(keyUsage)
        }
        if let policy, !KeyPolicy.isWellFormed(policy) {
            throw CloudError.kmsMalformedPolicy
        }
        let key = KMSKey(
            id: UUID().uuidString.lowercased(),
            owner: caller.account,
            region: caller.region,
            description: description ?? "",
            state: .enabled,
            managedByAWS: false,
            creationDate: clock.now,
            policy: policy ?? KMSKey.defaultPolicy(owner: caller.account),
            wrappedMaterial: try keys.newWrappedMaterial(),
            grants: []
        )
        try await write(caller) { try $0.save(key) }
        return key
    }

    /// DescribeKey (stores the `aws/ebs` key on its first mention, as AWS creates it then).
    package func describeKey(_ caller: Caller, _ reference: String) async throws -> KMSKey {
        try await write(caller) { transaction in
            let key = try transaction.usableKMSKey(reference, action: "kms:DescribeKey", needsEnabled: false, caller: caller, now: clock.now)
            try storeIfNew(key, in: transaction)
            return key
        }
    }

    /// ListKeys: the caller's keys in its region.
    package func listKeys(_ caller: Caller) async throws -> [KMSKey] {
        try await read(caller) { try $0.fetchAll(KMSKey.self, region: caller.region, owner: caller.account).sorted { $0.id < $1.id } }
    }

    /// Enable/DisableKey.
    package func setKeyEnabled(_ caller: Caller, _ reference: String, enabled: Bool) async throws {
        try await write(caller) { transaction in
            var key = try ownKMSKey(reference, caller: caller, in: transaction)
            guard !key.managedByAWS else { throw CloudError.kmsManagedKeyCannotBeDisabled(key.arn) }
            guard key.state != .pendingDeletion else { throw CloudError.kmsKeyPendingDeletion(key.arn) }
            key.state = enabled ? .enabled : .disabled
            try transaction.save(key)
        }
    }

    /// ScheduleKeyDeletion: the key is unusable at once and deleted after 7 to 30 days.
    package func scheduleKeyDeletion(_ caller: Caller, _ reference: String, pendingWindowInDays: Int?) async throws -> KMSKey {
        let days = pendingWindowInDays ?? 30
        guard (7...30).contains(days) else {
            throw CloudError.kmsInvalidPendingWindow(days)
        }
        let now = clock.now
        return try await write(caller) { transaction in
            var key = try ownKMSKey(reference, caller: caller, in: transaction)
            guard !key.managedByAWS else { throw CloudError.kmsManagedKeyCannotBeDeleted(key.arn) }
            guard key.state != .pendingDeletion else { throw CloudError.kmsKeyPendingDeletion(key.arn) }
            key.state = .pendingDeletion
            key.deletionDate = now + TimeInterval(days * 86_400)
            key.pendingWindowInDays = days
            try transaction.save(key)
            try transaction.insert(ScheduledTransition(kind: .kmsKeyDeleted, resourceID: key.id, due: now + TimeInterval(days * 86_400)))
            return key
        }
    }

    /// CancelKeyDeletion: the key comes back disabled, as on AWS.
    package func cancelKeyDeletion(_ caller: Caller, _ reference: String) async throws -> KMSKey {
        try await write(caller) { transaction in
            var key = try ownKMSKey(reference, caller: caller, in: transaction)
            guard key.state == .pendingDeletion else { throw CloudError.kmsKeyNotPendingDeletion(key.arn) }
            key.state = .disabled
            key.deletionDate = nil
            key.pendingWindowInDays = nil
            try transaction.save(key)
            return key
        }
    }

    /// GetKeyPolicy.
    package func keyPolicy(_ caller: Caller, _ reference: String) async throws -> String {
        try await read(caller) { transaction in
            try transaction.usableKMSKey(reference, action: "kms:GetKeyPolicy", needsEnabled: false, caller: caller, now: clock.now).policy
        }
    }

    /// PutKeyPolicy: a policy naming other accounts' principals lets them use the key.
    package func putKeyPolicy(_ caller: Caller, _ reference: String, policy: String) async throws {
        guard KeyPolicy.isWellFormed(policy) else {
            throw CloudError.kmsMalformedPolicy
        }
        try await write(caller) { transaction in
            var key = try ownKMSKey(reference, caller: caller, in: transaction)
            guard !key.managedByAWS else { throw CloudError.kmsManagedKeyPolicyFixed(key.arn) }
            key.policy = policy
            try transaction.save(key)
        }
    }

    /// CreateAlias / UpdateAlias: points `alias/NAME` at a key of the caller's.
    package func setAlias(_ caller: Caller, name: String, targetKey: String, create: Bool) async throws {
        guard name.hasPrefix("alias/"), name.count > 6, name.count <= 256,
            name.dropFirst(6).allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "/_-".contains($0)) })
        else {
            throw CloudError.kmsMalformedAliasName
        }
        guard !name.hasPrefix("alias/aws/") else {
            throw CloudError.kmsReservedAliasName
        }
        let now = clock.now
        try await write(caller) { transaction in
            let key = try ownKMSKey(targetKey, caller: caller, in: transaction)
            let id = KMSAlias.id(account: caller.account, region: caller.region, name: name)
            let existing = try transaction.fetch(KMSAlias.self, id: id)
            if create, existing != nil {
                throw CloudError.kmsAliasAlreadyExists(caller.region, caller.account, name)
            }
            if !create, existing == nil {
                throw CloudError.kmsAliasNotFoundByName(caller.region, caller.account, name)
            }
            try transaction.save(
                KMSAlias(
                    id: id,
                    owner: caller.account,
                    region: caller.region,
                    name: name,
                    targetKeyID: key.id,
                    creationDate: existing?.creationDate ?? now,
                    lastUpdatedDate: now
                )
            )
        }
    }

    /// DeleteAlias.
    package func deleteAlias(_ caller: Caller, name: String) async throws {
        try await write(caller) { transaction in
            let id = KMSAlias.id(account: caller.account, region: caller.region, name: name)
            guard try transaction.fetch(KMSAlias.self, id: id) != nil else {
                throw CloudError.kmsAliasNotFoundByName(caller.region, caller.account, name)
            }
            try transaction.delete(KMSAlias.self, id: id)
        }
    }

    /// ListAliases: the caller's aliases, with the `aws/ebs` alias, for one key or all.
    package func listAliases(_ caller: Caller, keyReference: String?) async throws -> [KMSAlias] {
        try await read(caller) { transaction in
            var aliases = try transaction.fetchAll(KMSAlias.self, region: caller.region, owner: caller.account)
            let ebs = KMSKey.defaultEBSKey(account: caller.account, region: caller.region, now: self.clock.now)
            let ebsCreated = try transaction.fetch(KMSKey.self, id: ebs.id)?.creationDate ?? ebs.creationDate
            aliases.append(
                KMSAlias(
                    id: KMSAlias.id(account: caller.account, region: caller.region, name: "alias/aws/ebs"),
                    owner: caller.account,
                    region: caller.region,
                    name: "alias/aws/ebs",
                    targetKeyID: ebs.id,
                    creationDate: ebsCreated,
                    lastUpdatedDate: ebsCreated
                )
            )
            if let keyReference {
                let key = try transaction.kmsKey(keyReference, caller: caller, now: clock.now)
                aliases = aliases.filter { $0.targetKeyID == key.id }
            }
            return aliases.sorted { $0.name < $1.name }
        }
    }

    /// CreateGrant: lets `grantee` perform `operations` with the key.
    package func createGrant(
        _ caller: Caller,
        _ reference: String,
        grantee: String,
        operations: [String],
        retiringPrincipal: String?,
        name: String?
    ) async throws -> KMSKey.Grant {
        guard !operations.isEmpty else { throw CloudError.kmsGrantWithoutOperations }
        let now = clock.now
        return try await write(caller) { transaction in
            var key = try transaction.usableKMSKey(reference, action: "kms:CreateGrant", needsEnabled: true, caller: caller, now: clock.now)
            if let name, let existing = key.grants.first(where: { $0.name == name && $0.granteePrincipal == grantee && $0.operations == operations })
            {
                return existing
            }
            let grant = KMSKey.Grant(
                id: Self.randomHex(bytes: 32),
                token: Self.randomHex(bytes: 64),
                name: name,
                granteePrincipal: grantee,
                retiringPrincipal: retiringPrincipal,
                operations: operations,
                issuingAccount: caller.account,
                creationDate: now
            )
            key.grants.append(grant)
            try storeIfNew(key, in: transaction)
            try transaction.save(key)
            return grant
        }
    }

    /// `bytes` random bytes as hex: grant ids and tokens.
    private static func randomHex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.encode((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// ListGrants.
    package func listGrants(_ caller: Caller, _ reference: String) async throws -> KMSKey {
        try await read(caller) { try $0.usableKMSKey(reference, action: "kms:ListGrants", needsEnabled: false, caller: caller, now: clock.now) }
    }

    /// RevokeGrant (the key's account) and RetireGrant (also its grantee or retiring principal).
    package func removeGrant(_ caller: Caller, keyReference: String?, grantID: String?, grantToken: String?, retire: Bool) async throws {
        try await write(caller) { transaction in
            var key: KMSKey
            if let keyReference {
                key = try transaction.kmsKey(keyReference, caller: caller, now: clock.now)
            } else if let grantToken,
                let found = try transaction.fetchAll(KMSKey.self, region: caller.region, owner: nil).first(where: {
                    $0.grants.contains { $0.token == grantToken }
                })
            {
                key = found
            } else {
                throw CloudError.kmsInvalidGrantToken
            }
            guard let index = key.grants.firstIndex(where: { $0.id == grantID || ($0.token == grantToken && grantToken != nil) }) else {
                throw CloudError.kmsGrantNotFound(grantID ?? "")
            }
            let grant = key.grants[index]
            let allowed =
                key.owner == caller.account
                || (retire
                    && ([grant.retiringPrincipal, grant.granteePrincipal].compactMap { $0 }.contains { KeyPolicy.principal($0, isIn: caller.account) }))
            guard allowed else { throw CloudError.kmsGrantNotAllowed(caller.arn, retire ? "retire" : "revoke", grant.id) }
            key.grants.remove(at: index)
            try transaction.save(key)
        }
    }

    /// Encrypt and GenerateDataKey: a ciphertext blob under the key.
    package func kmsEncrypt(_ caller: Caller, _ reference: String, plaintext: [UInt8], context: [String: String], action: String) async throws -> (
        KMSKey, [UInt8]
    ) {
        guard (1...4096).contains(plaintext.count) else {
            throw CloudError.kmsPlaintextLength
        }
        return try await write(caller) { transaction in
            let key = try transaction.usableKMSKey(reference, action: action, needsEnabled: true, caller: caller, now: clock.now)
            try storeIfNew(key, in: transaction)
            return (key, try keys.encrypt(plaintext, key: key, context: context))
        }
    }

    /// Decrypt: the plaintext of a blob, under the key it names (which must match `reference` when given).
    package func kmsDecrypt(_ caller: Caller, blob: [UInt8], reference: String?, context: [String: String]) async throws -> (KMSKey, [UInt8]) {
        guard let keyID = KeyVault.keyID(of: blob) else {
            throw CloudError.kmsForeignCiphertext
        }
        return try await read(caller) { transaction in
            guard let stored = try transaction.fetch(KMSKey.self, id: keyID) else { throw CloudError.kmsNotFound(keyID) }
            let key = try transaction.usableKMSKey(reference ?? stored.arn, action: "kms:Decrypt", needsEnabled: true, caller: caller, now: clock.now)
            guard key.id == keyID else {
                throw CloudError.kmsIncorrectKey
            }
            return (key, try self.keys.decrypt(blob, key: key, context: context))
        }
    }
}
