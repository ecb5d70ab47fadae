import Crypto
import Foundation

/// Holds KMS key material: seals customer keys' material for storage, derives AWS managed
/// keys' material, and encrypts and decrypts under a key.
///
/// The wrapping key comes from the server's master key (kept in a file of mode 0600); key
/// material never leaves this type unsealed except to encrypt with it.
package struct KeyVault: Sendable {
    private let wrappingKey: SymmetricKey

    /// A vault over `wrappingKey`.
    package init(wrappingKey: SymmetricKey) {
        self.wrappingKey = wrappingKey
    }

    /// New key material, sealed for storage.
    func newWrappedMaterial() throws -> [UInt8] {
        let material = SymmetricKey(size: .bits256)
        let sealed = try AES.GCM.seal(material.withUnsafeBytes { Data($0) }, using: wrappingKey)
        guard let combined = sealed.combined else { throw CloudError.kmsSealFailed }
        return Array(combined)
    }

    /// A key's material.
    func material(of key: KMSKey) throws -> SymmetricKey {
        if key.managedByAWS {
            return HKDF<SHA256>.deriveKey(inputKeyMaterial: wrappingKey, info: Array("kms aws-managed \(key.arn)".utf8), outputByteCount: 32)
        }
        let box = try AES.GCM.SealedBox(combined: Data(key.wrappedMaterial))
        return SymmetricKey(data: try AES.GCM.open(box, using: wrappingKey))
    }

    /// The ciphertext blob of `plaintext` under `key`: `KK1`, the key id's length and the key
    /// id, then AES-GCM's nonce, ciphertext and tag. The encryption context is authenticated.
    func encrypt(_ plaintext: [UInt8], key: KMSKey, context: [String: String]) throws -> [UInt8] {
        let sealed = try AES.GCM.seal(plaintext, using: try material(of: key), authenticating: Self.authenticatedData(context))
        guard let combined = sealed.combined else { throw CloudError.kmsEncryptionFailed }
        let id = Array(key.id.utf8)
        return Array("KK1".utf8) + [UInt8(id.count)] + id + Array(combined)
    }

    /// The key id a ciphertext blob names, if it is one of Kiln's.
    static func keyID(of blob: [UInt8]) -> String? {
        guard blob.count > 4, Array(blob[0..<3]) == Array("KK1".utf8) else { return nil }
        let length = Int(blob[3])
        guard blob.count > 4 + length + 28 else { return nil }
        return String(decoding: blob[4..<4 + length], as: UTF8.self)
    }

    /// The plaintext of a blob `encrypt` made under `key`, or `InvalidCiphertextException`.
    func decrypt(_ blob: [UInt8], key: KMSKey, context: [String: String]) throws -> [UInt8] {
        let invalid = CloudError.kmsInvalidCiphertext
        guard let id = Self.keyID(of: blob), id == key.id else { throw invalid }
        do {
            let box = try AES.GCM.SealedBox(combined: Data(blob[(4 + id.utf8.count)...]))
            return Array(try AES.GCM.open(box, using: try material(of: key), authenticating: Self.authenticatedData(context)))
        } catch {
            throw invalid
        }
    }

    private static func authenticatedData(_ context: [String: String]) -> Data {
        Data(context.keys.sorted().map { "\($0)=\(context[$0] ?? "")" }.joined(separator: "\n").utf8)
    }
}
