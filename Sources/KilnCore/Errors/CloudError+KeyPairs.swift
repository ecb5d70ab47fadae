/// The errors of key pairs, with AWS's codes and messages.
extension CloudError {
    package static func keyPairNotFound(_ name: String) -> CloudError {
        CloudError("InvalidKeyPair.NotFound", "The key pair '\(name)' does not exist")
    }
}
