import Foundation
import KilnCore
import KilnWire

/// KMS (JSON 1.1, `TrentService`): symmetric keys, aliases, key policies, grants, and
/// encryption under a key.
enum KMSFront {
    /// The KMS front over `kms`.
    static func make(kms: KMSService) -> JSONFront {
        var operations = OperationTable()
        registerKeys(in: &operations, kms: kms)
        registerAliases(in: &operations, kms: kms)
        registerGrants(in: &operations, kms: kms)
        registerCryptography(in: &operations, kms: kms)
        return JSONFront(signingName: KMS.signingName, targetPrefix: KMS.targetPrefix, modeledErrors: KMS.modeledErrors, operations: operations)
    }

    static func metadata(_ key: KMSKey) -> KMS.KeyMetadata {
        KMS.KeyMetadata(
            awsAccountId: key.owner.rawValue,
            arn: key.arn,
            creationDate: key.creationDate,
            customerMasterKeySpec: .init(rawValue: "SYMMETRIC_DEFAULT"),
            deletionDate: key.deletionDate,
            description: key.description,
            enabled: key.state == .enabled,
            encryptionAlgorithms: [.init(rawValue: "SYMMETRIC_DEFAULT")],
            keyId: key.id,
            keyManager: .init(rawValue: key.managedByAWS ? "AWS" : "CUSTOMER"),
            keySpec: .init(rawValue: "SYMMETRIC_DEFAULT"),
            keyState: .init(rawValue: key.state.rawValue),
            keyUsage: .init(rawValue: "ENCRYPT_DECRYPT"),
            multiRegion: false,
            origin: .init(rawValue: "AWS_KMS"),
            pendingDeletionWindowInDays: key.pendingWindowInDays
        )
    }

    /// A page of a KMS list: `Limit` (1 to 1,000, default 100) and `Marker`.
    /// Its markers are bound to `scope`.
    static func page<Item>(_ items: [Item], limit: Int?, marker: String?, scope: PageScope) throws -> (items: [Item], nextMarker: String?) {
        let page = try PageRequest(maxResults: limit ?? 100, nextToken: marker, allowed: 1...1000, scope: scope).page(of: items)
        return (page.items, page.nextToken)
    }

    static func registerKeys(in operations: inout OperationTable, kms: KMSService) {
        operations.on(KMS.CreateKey.self) { input, caller in
            let key = try await kms.createKey(
                caller,
                description: input.description,
                policy: input.policy,
                keySpec: input.keySpec?.rawValue ?? input.customerMasterKeySpec?.rawValue,
                keyUsage: input.keyUsage?.rawValue
            )
            return KMS.CreateKeyResponse(keyMetadata: metadata(key))
        }
        operations.on(KMS.DescribeKey.self) { input, caller in
            KMS.DescribeKeyResponse(keyMetadata: metadata(try await kms.describeKey(caller, input.keyId)))
        }
        operations.on(KMS.ListKeys.self) { input, caller in
            let scope = kms.context.pageScope("ListKeys", caller: caller, parameters: [])
            let (items, next) = try page(try await kms.listKeys(caller), limit: input.limit, marker: input.marker, scope: scope)
            return KMS.ListKeysResponse(keys: items.map { KMS.KeyListEntry(keyArn: $0.arn, keyId: $0.id) }, nextMarker: next, truncated: next != nil)
        }
        operations.on(KMS.EnableKey.self) { input, caller in
            try await kms.setKeyEnabled(caller, input.keyId, enabled: true)
            return EmptyOutput()
        }
        operations.on(KMS.DisableKey.self) { input, caller in
            try await kms.setKeyEnabled(caller, input.keyId, enabled: false)
            return EmptyOutput()
        }
        operations.on(KMS.ScheduleKeyDeletion.self) { input, caller in
            let key = try await kms.scheduleKeyDeletion(caller, input.keyId, pendingWindowInDays: input.pendingWindowInDays)
            return KMS.ScheduleKeyDeletionResponse(
                deletionDate: key.deletionDate,
                keyId: key.arn,
                keyState: .init(rawValue: key.state.rawValue),
                pendingWindowInDays: key.pendingWindowInDays
            )
        }
        operations.on(KMS.CancelKeyDeletion.self) { input, caller in
            KMS.CancelKeyDeletionResponse(keyId: try await kms.cancelKeyDeletion(caller, input.keyId).arn)
        }
        operations.on(KMS.GetKeyPolicy.self) { input, caller in
            KMS.GetKeyPolicyResponse(policy: try await kms.keyPolicy(caller, input.keyId), policyName: "default")
        }
        operations.on(KMS.PutKeyPolicy.self) { input, caller in
            try await kms.putKeyPolicy(caller, input.keyId, policy: input.policy)
            return EmptyOutput()
        }
    }

    static func registerAliases(in operations: inout OperationTable, kms: KMSService) {
        operations.on(KMS.CreateAlias.self) { input, caller in
            try await kms.setAlias(caller, name: input.aliasName, targetKey: input.targetKeyId, create: true)
            return EmptyOutput()
        }
        operations.on(KMS.UpdateAlias.self) { input, caller in
            try await kms.setAlias(caller, name: input.aliasName, targetKey: input.targetKeyId, create: false)
            return EmptyOutput()
        }
        operations.on(KMS.DeleteAlias.self) { input, caller in
            try await kms.deleteAlias(caller, name: input.aliasName)
            return EmptyOutput()
        }
        operations.on(KMS.ListAliases.self) { input, caller in
            let scope = kms.context.pageScope("ListAliases", caller: caller, parameters: [String(describing: input.keyId)])
            let (items, next) = try page(
                try await kms.listAliases(caller, keyReference: input.keyId),
                limit: input.limit,
                marker: input.marker,
                scope: scope
            )
            return KMS.ListAliasesResponse(
                aliases: items.map {
                    KMS.AliasListEntry(
                        aliasArn: $0.arn,
                        aliasName: $0.name,
                        creationDate: $0.creationDate,
                        lastUpdatedDate: $0.lastUpdatedDate,
                        targetKeyId: $0.targetKeyID
                    )
                },
                nextMarker: next,
                truncated: next != nil
            )
        }
    }

    static func registerGrants(in operations: inout OperationTable, kms: KMSService) {
        operations.on(KMS.CreateGrant.self) { input, caller in
            let grant = try await kms.createGrant(
                caller,
                input.keyId,
                grantee: input.granteePrincipal,
                operations: input.operations.map(\.rawValue),
                retiringPrincipal: input.retiringPrincipal,
                name: input.name
            )
            return KMS.CreateGrantResponse(grantId: grant.id, grantToken: grant.token)
        }
        operations.on(KMS.ListGrants.self) { input, caller in
            let key = try await kms.listGrants(caller, input.keyId)
            let grants = key.grants.filter { grant in
                (input.grantId.map { grant.id == $0 } ?? true) && (input.granteePrincipal.map { grant.granteePrincipal == $0 } ?? true)
            }
            let scope = kms.context.pageScope("ListGrants", caller: caller, parameters: [input.keyId, String(describing: input.grantId)])
            let (items, next) = try page(grants, limit: input.limit, marker: input.marker, scope: scope)
            return KMS.ListGrantsResponse(
                grants: items.map { grant in
                    KMS.GrantListEntry(
                        creationDate: grant.creationDate,
                        grantId: grant.id,
                        granteePrincipal: grant.granteePrincipal,
                        issuingAccount: "arn:aws:iam::\(grant.issuingAccount):root",
                        keyId: key.arn,
                        name: grant.name,
                        operations: grant.operations.map { .init(rawValue: $0) },
                        retiringPrincipal: grant.retiringPrincipal
                    )
                },
                nextMarker: next,
                truncated: next != nil
            )
        }
        operations.on(KMS.RevokeGrant.self) { input, caller in
            try await kms.removeGrant(caller, keyReference: input.keyId, grantID: input.grantId, grantToken: nil, retire: false)
            return EmptyOutput()
        }
        operations.on(KMS.RetireGrant.self) { input, caller in
            try await kms.removeGrant(caller, keyReference: input.keyId, grantID: input.grantId, grantToken: input.grantToken, retire: true)
            return EmptyOutput()
        }
    }

    /// The size of a data key: `NumberOfBytes`, or `KeySpec` AES_256 (32) or AES_128 (16).
    static func dataKeySize(numberOfBytes: Int?, keySpec: String?) throws -> Int {
        if let numberOfBytes {
            guard (1...1024).contains(numberOfBytes), keySpec == nil else {
                throw CloudError.kmsDataKeySizeEither
            }
            return numberOfBytes
        }
        switch keySpec {
        case "AES_256": return 32
        case "AES_128": return 16
        default: throw CloudError.kmsDataKeySizeMissing
        }
    }

    static func registerCryptography(in operations: inout OperationTable, kms: KMSService) {
        operations.on(KMS.Encrypt.self) { input, caller in
            let (key, blob) = try await kms.kmsEncrypt(
                caller,
                input.keyId,
                plaintext: input.plaintext.bytes,
                context: input.encryptionContext ?? [:],
                action: "kms:Encrypt"
            )
            return KMS.EncryptResponse(ciphertextBlob: Blob(blob), encryptionAlgorithm: .init(rawValue: "SYMMETRIC_DEFAULT"), keyId: key.arn)
        }
        operations.on(KMS.Decrypt.self) { input, caller in
            guard let blob = input.ciphertextBlob else { throw CloudError.kmsCiphertextRequired }
            let (key, plaintext) = try await kms.kmsDecrypt(caller, blob: blob.bytes, reference: input.keyId, context: input.encryptionContext ?? [:])
            return KMS.DecryptResponse(encryptionAlgorithm: .init(rawValue: "SYMMETRIC_DEFAULT"), keyId: key.arn, plaintext: Blob(plaintext))
        }
        registerReEncrypt(in: &operations, kms: kms)
        registerDataKeys(in: &operations, kms: kms)
    }

    /// GenerateDataKey and GenerateDataKeyWithoutPlaintext: a new random key of the asked
    /// size, encrypted under the KMS key; the first also returns the key itself.
    static func registerDataKeys(in operations: inout OperationTable, kms: KMSService) {
        operations.on(KMS.GenerateDataKey.self) { input, caller in
            let size = try dataKeySize(numberOfBytes: input.numberOfBytes, keySpec: input.keySpec?.rawValue)
            let (key, plaintext, blob) = try await newDataKey(
                size: size,
                kms: kms,
                caller: caller,
                keyID: input.keyId,
                context: input.encryptionContext,
                action: "kms:GenerateDataKey"
            )
            return KMS.GenerateDataKeyResponse(ciphertextBlob: Blob(blob), keyId: key.arn, plaintext: Blob(plaintext))
        }
        operations.on(KMS.GenerateDataKeyWithoutPlaintext.self) { input, caller in
            let size = try dataKeySize(numberOfBytes: input.numberOfBytes, keySpec: input.keySpec?.rawValue)
            let (key, _, blob) = try await newDataKey(
                size: size,
                kms: kms,
                caller: caller,
                keyID: input.keyId,
                context: input.encryptionContext,
                action: "kms:GenerateDataKeyWithoutPlaintext"
            )
            return KMS.GenerateDataKeyWithoutPlaintextResponse(ciphertextBlob: Blob(blob), keyId: key.arn)
        }
    }

    /// `size` random bytes, and their encryption under the KMS key `keyID`.
    private static func newDataKey(
        size: Int,
        kms: KMSService,
        caller: Caller,
        keyID: String,
        context: [String: String]?,
        action: String
    ) async throws -> (key: KMSKey, plaintext: [UInt8], blob: [UInt8]) {
        let plaintext = (0..<size).map { _ in UInt8.random(in: 0...255) }
        let (key, blob) = try await kms.kmsEncrypt(caller, keyID, plaintext: plaintext, context: context ?? [:], action: action)
        return (key, plaintext, blob)
    }

    /// ReEncrypt: decrypts under the source key and encrypts under the destination key, with
    /// each key's own encryption context.
    static func registerReEncrypt(in operations: inout OperationTable, kms: KMSService) {
        operations.on(KMS.ReEncrypt.self) { input, caller in
            guard let blob = input.ciphertextBlob else { throw CloudError.kmsCiphertextRequired }
            let (source, plaintext) = try await kms.kmsDecrypt(
                caller,
                blob: blob.bytes,
                reference: input.sourceKeyId,
                context: input.sourceEncryptionContext ?? [:]
            )
            let (destination, reencrypted) = try await kms.kmsEncrypt(
                caller,
                input.destinationKeyId,
                plaintext: plaintext,
                context: input.destinationEncryptionContext ?? [:],
                action: "kms:ReEncryptTo"
            )
            return KMS.ReEncryptResponse(
                ciphertextBlob: Blob(reencrypted),
                destinationEncryptionAlgorithm: .init(rawValue: "SYMMETRIC_DEFAULT"),
                keyId: destination.arn,
                sourceEncryptionAlgorithm: .init(rawValue: "SYMMETRIC_DEFAULT"),
                sourceKeyId: source.arn
            )
        }
    }
}
