/// The errors of KMS keys, with AWS's codes and messages.
extension CloudError {
    package static func kmsNotFound(_ reference: String) -> CloudError {
        CloudError("NotFoundException", "Key '\(reference)' does not exist")
    }

    package static let kmsKeyRequiresEncrypted = CloudError(
        "InvalidParameterDependency",
        "The parameter KmsKeyId requires the parameter Encrypted to be set."
    )

    package static func kmsKeyOfDomainGone(_ domainID: some CustomStringConvertible) -> CloudError {
        CloudError("KMSKeyNotAccessible", "The KMS key of \(domainID) no longer exists; its blocks cannot be read.")
    }

    package static func kmsNotKeyManager(_ callerARN: some CustomStringConvertible, _ keyARN: some CustomStringConvertible) -> CloudError {
        CloudError("AccessDeniedException", "User: \(callerARN) is not authorized to manage \(keyARN).")
    }

    package static func kmsUnsupportedKeySpec(_ keySpec: some CustomStringConvertible) -> CloudError {
        CloudError("UnsupportedOperationException", "Kiln makes symmetric encryption keys (SYMMETRIC_DEFAULT) only; \(keySpec) is not offered.")
    }

    package static func kmsUnsupportedKeyUsage(_ keyUsage: some CustomStringConvertible) -> CloudError {
        CloudError("UnsupportedOperationException", "Kiln makes ENCRYPT_DECRYPT keys only; \(keyUsage) is not offered.")
    }

    package static let kmsMalformedPolicy = CloudError("MalformedPolicyDocumentException", "The key policy is not a JSON document with a Statement.")

    package static func kmsManagedKeyCannotBeDisabled(_ keyARN: some CustomStringConvertible) -> CloudError {
        CloudError("UnsupportedOperationException", "\(keyARN) is an AWS managed key; it cannot be disabled.")
    }

    package static func kmsKeyPendingDeletion(_ keyARN: some CustomStringConvertible) -> CloudError {
        CloudError("KMSInvalidStateException", "\(keyARN) is pending deletion.")
    }

    package static func kmsInvalidPendingWindow(_ days: some CustomStringConvertible) -> CloudError {
        CloudError(
            "ValidationException",
            "1 validation error detected: Value '\(days)' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value between 7 and 30"
        )
    }

    package static func kmsManagedKeyCannotBeDeleted(_ keyARN: some CustomStringConvertible) -> CloudError {
        CloudError("UnsupportedOperationException", "\(keyARN) is an AWS managed key; it cannot be deleted.")
    }

    package static func kmsKeyNotPendingDeletion(_ keyARN: some CustomStringConvertible) -> CloudError {
        CloudError("KMSInvalidStateException", "\(keyARN) is not pending deletion.")
    }

    package static func kmsManagedKeyPolicyFixed(_ keyARN: some CustomStringConvertible) -> CloudError {
        CloudError("AccessDeniedException", "The policy of the AWS managed key \(keyARN) cannot be changed.")
    }

    package static let kmsMalformedAliasName = CloudError(
        "ValidationException",
        "Alias must start with the prefix \"alias/\" and contain only letters, digits, '/', '_' and '-'."
    )

    package static let kmsReservedAliasName = CloudError("NotAuthorizedException", "alias/aws/ is reserved for aliases of AWS managed keys.")

    package static func kmsAliasAlreadyExists(
        _ region: some CustomStringConvertible,
        _ account: some CustomStringConvertible,
        _ name: some CustomStringConvertible
    ) -> CloudError {
        CloudError("AlreadyExistsException", "An alias with the name arn:aws:kms:\(region):\(account):\(name) already exists")
    }

    package static func kmsAliasNotFoundByName(
        _ region: some CustomStringConvertible,
        _ account: some CustomStringConvertible,
        _ name: some CustomStringConvertible
    ) -> CloudError {
        CloudError("NotFoundException", "Alias arn:aws:kms:\(region):\(account):\(name) is not found.")
    }

    package static let kmsGrantWithoutOperations = CloudError("ValidationException", "A grant needs at least one operation.")

    package static let kmsInvalidGrantToken = CloudError("InvalidGrantTokenException", "The grant token is invalid.")

    package static let kmsPlaintextLength = CloudError("ValidationException", "Plaintext must be between 1 and 4096 bytes long.")

    package static let kmsForeignCiphertext = CloudError("InvalidCiphertextException", "The ciphertext is not one Kiln's KMS made.")

    package static let kmsIncorrectKey = CloudError(
        "IncorrectKeyException",
        "The key ID in the request does not identify the key that encrypted the ciphertext."
    )

    package static let kmsSealFailed = CloudError("KMSInternalException", "The key material could not be sealed.", category: .server)

    package static let kmsEncryptionFailed = CloudError("KMSInternalException", "Encryption failed.", category: .server)

    package static let kmsInvalidCiphertext = CloudError(
        "InvalidCiphertextException",
        "The ciphertext is invalid, or was made with another encryption context."
    )

    package static func kmsInvalidARN(_ reference: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidArnException", "The ARN '\(reference)' is not a KMS key or alias ARN.")
    }

    package static func kmsAliasNotFound(_ arn: some CustomStringConvertible) -> CloudError {
        CloudError("NotFoundException", "Alias \(arn) is not found.")
    }

    package static func kmsNoPolicyAllows(
        _ callerARN: some CustomStringConvertible,
        _ action: some CustomStringConvertible,
        _ keyARN: some CustomStringConvertible
    ) -> CloudError {
        CloudError(
            "AccessDeniedException",
            "User: \(callerARN) is not authorized to perform: \(action) on resource: \(keyARN) because no resource-based policy allows the \(action) action",
            category: .client
        )
    }

    package static func kmsKeyDisabled(_ keyARN: some CustomStringConvertible) -> CloudError {
        CloudError("DisabledException", "\(keyARN) is disabled.")
    }

    package static let kmsDataKeySizeEither = CloudError("ValidationException", "Give either NumberOfBytes (1 to 1024) or KeySpec.")

    package static let kmsDataKeySizeMissing = CloudError("ValidationException", "Give NumberOfBytes or KeySpec (AES_256 or AES_128).")

    package static let kmsCiphertextRequired = CloudError("ValidationException", "CiphertextBlob is required.")

    package static func kmsGrantNotFound(_ grantID: String) -> CloudError {
        CloudError("NotFoundException", "Grant ID \(grantID) not found")
    }

    package static func kmsGrantNotAllowed(_ callerARN: String, _ verb: String, _ grantID: String) -> CloudError {
        CloudError("AccessDeniedException", "User: \(callerARN) may not \(verb) grant \(grantID).")
    }
}
