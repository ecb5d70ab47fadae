import Foundation

/// An SSH key pair whose public half EC2 keeps; the private half of a created pair is shown once.
public struct KeyPair: StoredResource, Equatable {
    public static let kind = ResourcePrefix.keyPair

    public var id: String
    public var owner: AccountID
    public var region: RegionName
    public var name: String
    /// `rsa` or `ed25519`.
    public var type: String
    public var fingerprint: String
    /// The public key in OpenSSH's one-line form (`ssh-ed25519 AAAA… name`).
    public var publicKey: String
    public var createTime: Date
}
