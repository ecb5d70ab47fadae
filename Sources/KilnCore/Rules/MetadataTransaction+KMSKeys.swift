import Foundation

/// The rules about KMS keys that several services apply inside their transactions: finding the
/// key a reference names, checking that the caller may use it, and the encryption a new volume
/// or snapshot gets.
extension MetadataTransaction {
    /// The key a reference names, as KMS resolves it: a key id, key ARN, alias name or alias
    /// ARN. Another account's key is reachable by ARN only. The `aws/ebs` key exists from its
    /// first mention.
    func kmsKey(_ reference: String, caller: Caller, now: Date) throws -> KMSKey {
        var account = caller.account
        var region = caller.region
        var resource = reference
        if reference.hasPrefix("arn:") {
            guard let parsed = KMSKey.parseARN(reference) else {
                throw CloudError.kmsInvalidARN(reference)
            }
            (account, region, resource) = parsed
        }
        guard var key = try KMSKey.lookup(resource, account: account, region: region, in: self) else {
            let arn =
                reference.hasPrefix("arn:")
                ? reference : "arn:aws:kms:\(region):\(account):\(resource.hasPrefix("alias/") ? resource : "key/" + resource)"
            if resource.hasPrefix("alias/") { throw CloudError.kmsAliasNotFound(arn) }
            throw CloudError.kmsNotFound(arn)
        }
        if key.managedByAWS, try fetch(KMSKey.self, id: key.id) == nil { key.creationDate = now }
        return key
    }

    /// A key the caller may use for `action`, in a state that allows it when `needsEnabled`.
    func usableKMSKey(_ reference: String, action: String, needsEnabled: Bool, caller: Caller, now: Date) throws -> KMSKey {
        let key = try kmsKey(reference, caller: caller, now: now)
        if key.owner != caller.account, !KeyPolicy.allows(key, account: caller.account, action: action) {
            throw CloudError.kmsNoPolicyAllows(caller.arn, action, key.arn)
        }
        if needsEnabled {
            switch key.state {
            case .enabled: break
            case .disabled: throw CloudError.kmsKeyDisabled(key.arn)
            case .pendingDeletion: throw CloudError.kmsKeyPendingDeletion(key.arn)
            }
        }
        return key
    }

    /// The encryption a new volume or snapshot gets: what the request says, else the account's default.
    func resolveEncryption(_ caller: Caller, encrypted: Bool?, kmsKeyID: String?, now: Date) throws
        -> (encrypted: Bool, kmsKeyID: String?)
    {
        let settings = try settings(of: caller)
        if let kmsKeyID {
            guard encrypted == true || settings.encryptionByDefault else {
                throw CloudError.kmsKeyRequiresEncrypted
            }
            // A key KMS knows is recorded by its ARN; one it does not know is kept as given and
            // makes the volume or snapshot fail later, as on AWS.
            let arn =
                (try? kmsKey(kmsKeyID, caller: caller, now: now).arn)
                ?? KMSKey.arn(reference: kmsKeyID, account: caller.account, region: caller.region)
            return (true, arn)
        }
        if encrypted == true || settings.encryptionByDefault {
            // The default may be an alias: what it encrypts records the key the alias names now.
            let configured = settings.effectiveKMSKeyID
            return (true, (try? kmsKey(configured, caller: caller, now: now).arn) ?? configured)
        }
        return (false, nil)
    }
}
