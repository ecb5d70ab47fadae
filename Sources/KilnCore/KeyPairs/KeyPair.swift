import Foundation

/// An SSH key pair whose public half EC2 keeps; the private half of a created pair is shown once.
package struct KeyPair: StoredResource, Equatable {
    package static let kind = ResourcePrefix.keyPair

    package var id: String
    package var owner: AccountID
    package var region: RegionName
    package var name: String
    /// `rsa` or `ed25519`.
    package var type: String
    package var fingerprint: String
    /// The public key in OpenSSH's one-line form (`ssh-ed25519 AAAA… name`).
    package var publicKey: String
    package var createTime: Date
}
