/// The errors of KMS keys, with AWS's codes and messages.
extension CloudError {
    package static func kmsNotFound(_ reference: String) -> CloudError {
        CloudError("NotFoundException", "Key '\(reference)' does not exist")
    }
}
