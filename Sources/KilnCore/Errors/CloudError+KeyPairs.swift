/// The errors of key pairs, with AWS's codes and messages.
extension CloudError {
    package static func keyPairNotFound(_ name: String) -> CloudError {
        CloudError("InvalidKeyPair.NotFound", "The key pair '\(name)' does not exist")
    }

    package static let malformedPublicKey = CloudError("InvalidKey.Format", "Key is not in valid OpenSSH public key format")

    package static func duplicateKeyPair(_ name: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidKeyPair.Duplicate", "The keypair '\(name)' already exists.")
    }

    package static func keyPairIDNotFound(_ id: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidKeyPair.NotFound", "The key pair '\(id)' does not exist")
    }
}
