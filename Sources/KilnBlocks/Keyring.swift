import Crypto
import Foundation
import KilnCore
import Synchronization

/// The keys of encrypted domains.
///
/// Each encrypted domain has a random 256-bit data key, stored only wrapped (sealed with
/// AES-256-GCM under the master key, the domain's id as associated data). Two keys derive
/// from it: one makes block ids (an HMAC of the plaintext's SHA-256), one seals blocks.
/// Until the KMS work lands, the master key stands in for every account's `aws/ebs` key.
public final class Keyring: Sendable {
    /// The keys of one encrypted domain.
    struct DomainKeys: Sendable {
        let blockID: SymmetricKey
        let seal: SymmetricKey
    }

    private let master: SymmetricKey
    private let metadata: any MetadataStore
    private let cache = Mutex<[String: DomainKeys]>([:])

    /// A keyring that wraps domain keys under `master` and keeps them in `metadata`.
    public init(master: SymmetricKey, metadata: any MetadataStore) {
        self.master = master
        self.metadata = metadata
    }

    /// The master key kept in the file at `path`, made (mode 0600) on first use.
    public static func loadOrCreateMasterKey(at path: String) throws -> SymmetricKey {
        if let data = FileManager.default.contents(atPath: path) {
            guard data.count == 32 else { throw BlockStoreError.corrupt("the master key file \(path) is not 32 bytes") }
            return SymmetricKey(data: data)
        }
        let key = SymmetricKey(size: .bits256)
        let bytes = key.withUnsafeBytes { Data($0) }
        guard FileManager.default.createFile(atPath: path, contents: bytes, attributes: [.posixPermissions: 0o600]) else {
            throw BlockStoreError.missing("cannot create the master key file \(path)")
        }
        return key
    }

    /// The keys of `domain`, creating its data key on first use.
    func keys(for domain: EncryptionDomain) async throws -> DomainKeys {
        try await keys(forDomainID: domain.id)
    }

    /// The keys of the domain with id `id`, creating its data key on first use.
    func keys(forDomainID id: String) async throws -> DomainKeys {
        if let cached = cache.withLock({ $0[id] }) { return cached }
        let master = self.master
        let wrapped: [UInt8] = try await metadata.write { transaction in
            if let existing = try transaction.wrappedDomainKey(id) { return existing }
            let dataKey = SymmetricKey(size: .bits256)
            let sealed = try dataKey.withUnsafeBytes { bytes in
                try AES.GCM.seal(Array(bytes), using: master, authenticating: Array(id.utf8))
            }
            guard let combined = sealed.combined else { throw BlockStoreError.corrupt("cannot wrap a domain key") }
            let wrapped = [UInt8](combined)
            try transaction.saveWrappedDomainKey(id, wrapped)
            return wrapped
        }
        let box = try AES.GCM.SealedBox(combined: wrapped)
        let dataKey = SymmetricKey(data: try AES.GCM.open(box, using: master, authenticating: Array(id.utf8)))
        let keys = DomainKeys(
            blockID: HKDF<SHA256>.deriveKey(inputKeyMaterial: dataKey, info: Array("kiln block id".utf8), outputByteCount: 32),
            seal: HKDF<SHA256>.deriveKey(inputKeyMaterial: dataKey, info: Array("kiln block seal".utf8), outputByteCount: 32)
        )
        cache.withLock { $0[id] = keys }
        return keys
    }
}
