/// The settings an account keeps per region: EBS encryption by default, the default KMS key,
/// and image block public access.
package struct AccountSettingsService: CloudService {
    package let context: CloudContext
}

extension AccountSettingsService {

    /// GetEbsEncryptionByDefault / Enable… / Disable…: returns the setting after any change.
    package func ebsEncryptionByDefault(_ caller: Caller, set value: Bool?) async throws -> Bool {
        if let value {
            return try await write(caller) { transaction in
                var settings = try transaction.settings(of: caller)
                settings.encryptionByDefault = value
                try transaction.save(settings)
                return value
            }
        }
        return try await read(caller) { try $0.settings(of: caller).encryptionByDefault }
    }

    /// GetEbsDefaultKmsKeyId / Modify… / Reset…: `.set(key)` changes it, `.reset` goes back to `aws/ebs`.
    package enum DefaultKeyChange: Sendable {
        case keep
        case set(String)
        case reset
    }

    /// Reads or changes the default KMS key for EBS encryption; returns the key in force after.
    package func ebsDefaultKMSKey(_ caller: Caller, _ change: DefaultKeyChange) async throws -> String {
        if case .set(let key) = change, key.isEmpty {
            throw CloudError.missingParameter("KmsKeyId")
        }
        if case .keep = change {
            return try await read(caller) { try $0.settings(of: caller).effectiveKMSKeyID }
        }
        let account = caller.account
        let region = caller.region
        return try await write(caller) { transaction in
            var settings = try transaction.settings(of: caller)
            switch change {
            case .set(let key): settings.defaultKMSKeyID = KMSKey.arn(reference: key, account: account, region: region)
            case .reset, .keep: settings.defaultKMSKeyID = nil
            }
            try transaction.save(settings)
            return settings.effectiveKMSKeyID
        }
    }

}

extension AccountSettingsService {
    /// Get/Enable/DisableImageBlockPublicAccess: returns `block-new-sharing` or `unblocked` after any change.
    package func imageBlockPublicAccess(_ caller: Caller, set value: Bool?) async throws -> String {
        let blocked: Bool
        if let value {
            blocked = try await write(caller) { transaction in
                var settings = try transaction.settings(of: caller)
                settings.imageBlockPublicAccess = value
                try transaction.save(settings)
                return value
            }
        } else {
            blocked = try await read(caller) { try $0.settings(of: caller).imageBlockPublicAccess }
        }
        return blocked ? "block-new-sharing" : "unblocked"
    }
}
