extension Cloud {
    /// The caller's settings in its region.
    func settings(_ caller: Caller, in transaction: any MetadataTransaction) throws -> AccountRegionSettings {
        try transaction.fetch(AccountRegionSettings.self, id: AccountRegionSettings.id(account: caller.account, region: caller.region))
            ?? AccountRegionSettings(account: caller.account, region: caller.region)
    }

    /// GetEbsEncryptionByDefault / Enable… / Disable…: returns the setting after any change.
    public func ebsEncryptionByDefault(_ caller: Caller, set value: Bool?) async throws -> Bool {
        if let value {
            return try await write(caller) { transaction in
                var settings = try settings(caller, in: transaction)
                settings.encryptionByDefault = value
                try transaction.save(settings)
                return value
            }
        }
        return try await read(caller) { try settings(caller, in: $0).encryptionByDefault }
    }

    /// GetEbsDefaultKmsKeyId / Modify… / Reset…: `.set(key)` changes it, `.reset` goes back to `aws/ebs`.
    public enum DefaultKeyChange: Sendable {
        case keep
        case set(String)
        case reset
    }

    /// Reads or changes the default KMS key for EBS encryption; returns the key in force after.
    public func ebsDefaultKMSKey(_ caller: Caller, _ change: DefaultKeyChange) async throws -> String {
        if case .set(let key) = change, key.isEmpty {
            throw CloudError.missingParameter("KmsKeyId")
        }
        if case .keep = change {
            return try await read(caller) { try settings(caller, in: $0).effectiveKMSKeyID }
        }
        let account = caller.account
        let region = caller.region
        return try await write(caller) { transaction in
            var settings = try settings(caller, in: transaction)
            switch change {
            case .set(let key): settings.defaultKMSKeyID = Self.kmsKeyARN(key, account: account, region: region)
            case .reset, .keep: settings.defaultKMSKeyID = nil
            }
            try transaction.save(settings)
            return settings.effectiveKMSKeyID
        }
    }

    /// A key given as an id, alias or ARN, as an ARN. Real key checks arrive with KMS.
    static func kmsKeyARN(_ key: String, account: AccountID, region: RegionName) -> String {
        if key.hasPrefix("arn:") { return key }
        if key == "alias/aws/ebs" { return DefaultEBSKey.arn(account: account, region: region) }
        if key.hasPrefix("alias/") { return "arn:aws:kms:\(region):\(account):\(key)" }
        return "arn:aws:kms:\(region):\(account):key/\(key)"
    }

    /// The encryption a new volume or snapshot gets: what the request says, else the account's default.
    func resolveEncryption(_ caller: Caller, encrypted: Bool?, kmsKeyID: String?, in transaction: any MetadataTransaction) throws
        -> (encrypted: Bool, kmsKeyID: String?)
    {
        let settings = try settings(caller, in: transaction)
        if let kmsKeyID {
            guard encrypted == true || settings.encryptionByDefault else {
                throw CloudError("InvalidParameterDependency", "The parameter KmsKeyId requires the parameter Encrypted to be set.")
            }
            // A key KMS knows is recorded by its ARN; one it does not know is kept as given and
            // makes the volume or snapshot fail later, as on AWS.
            let arn = (try? kmsKey(kmsKeyID, caller: caller, in: transaction).arn) ?? Self.kmsKeyARN(kmsKeyID, account: caller.account, region: caller.region)
            return (true, arn)
        }
        if encrypted == true || settings.encryptionByDefault {
            return (true, settings.effectiveKMSKeyID)
        }
        return (false, nil)
    }
}

extension Cloud {
    /// Get/Enable/DisableImageBlockPublicAccess: returns `block-new-sharing` or `unblocked` after any change.
    public func imageBlockPublicAccess(_ caller: Caller, set value: Bool?) async throws -> String {
        let blocked: Bool
        if let value {
            blocked = try await write(caller) { transaction in
                var settings = try settings(caller, in: transaction)
                settings.imageBlockPublicAccess = value
                try transaction.save(settings)
                return value
            }
        } else {
            blocked = try await read(caller) { try settings(caller, in: $0).imageBlockPublicAccess }
        }
        return blocked ? "block-new-sharing" : "unblocked"
    }
}
