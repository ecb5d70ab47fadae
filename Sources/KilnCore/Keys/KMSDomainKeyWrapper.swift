import Crypto
import Foundation

/// Wraps the data keys of encrypted block domains under the domain's KMS key, as EBS does
/// with its data keys: the block store keeps a domain's data key only sealed by the KMS key's
/// material, so a key whose record is gone (deleted after its waiting period) leaves its
/// blocks unreadable.
package protocol DomainKeyWrapper: Sendable {
    /// `dataKey` sealed for `domain`, or `nil` when the domain's KMS key cannot be found (the
    /// caller then falls back to its own key).
    func wrap(_ dataKey: [UInt8], for domain: EncryptionDomain) async throws -> [UInt8]?
    /// The data key `wrapped` seals, or an error when the domain's KMS key is gone.
    func unwrap(_ wrapped: [UInt8], for domain: EncryptionDomain) async throws -> [UInt8]
}

/// The ``DomainKeyWrapper`` over Kiln's KMS keys.
package struct KMSDomainKeyWrapper: DomainKeyWrapper {
    let metadata: any MetadataStore
    let vault: KeyVault

    /// A wrapper that finds keys in `metadata` and their material through `vault`.
    package init(metadata: any MetadataStore, vault: KeyVault) {
        self.metadata = metadata
        self.vault = vault
    }

    /// The key a domain is encrypted under, following aliases; the `aws/ebs` key needs no record.
    private func key(for domain: EncryptionDomain) async throws -> KMSKey? {
        guard let arn = domain.key?.kmsKeyARN, let (owner, region, resource) = KMSKey.parseARN(arn) else { return nil }
        return try await metadata.read { try KMSKey.lookup(resource, account: owner, region: region, in: $0) }
    }

    package func wrap(_ dataKey: [UInt8], for domain: EncryptionDomain) async throws -> [UInt8]? {
        guard let key = try await key(for: domain) else { return nil }
        return try vault.encrypt(dataKey, key: key, context: ["domain": domain.id])
    }

    package func unwrap(_ wrapped: [UInt8], for domain: EncryptionDomain) async throws -> [UInt8] {
        guard let key = try await key(for: domain) else {
            throw CloudError.kmsKeyOfDomainGone(domain.id)
        }
        return try vault.decrypt(wrapped, key: key, context: ["domain": domain.id])
    }
}
