import Crypto
import Foundation
import KilnCore
import Synchronization

/// The keys of encrypted domains.
///
/// Each encrypted domain has a random 256-bit data key, stored only wrapped: by the domain's
/// KMS key through a ``DomainKeyWrapper`` (envelope encryption, as EBS does), or, when that
/// key cannot be found or no wrapper is given, sealed with AES-256-GCM under the master key
/// (the domain's id as associated data). A stored key starts with `K` or `M` to say which.
/// Two keys derive from it: one makes block ids (an HMAC of the plaintext's SHA-256), one
/// seals blocks.
package final class Keyring: Sendable {
    /// The keys of one encrypted domain.
    struct DomainKeys: Sendable {
        let blockID: SymmetricKey
        let seal: SymmetricKey
    }

    private let master: SymmetricKey
    private let index: any BlockIndex
    private let wrapper: (any DomainKeyWrapper)?
    private let cache = Mutex<[String: DomainKeys]>([:])

    /// A keyring that wraps domain keys with `wrapper` (else under `master`) and keeps them in `index`.
    package init(master: SymmetricKey, index: any BlockIndex, wrapper: (any DomainKeyWrapper)? = nil) {
        self.master = master
        self.index = index
        self.wrapper = wrapper
    }

    /// The master key kept in the file at `path`, made (mode 0600) on first use.
    package static func loadOrCreateMasterKey(at path: String) throws -> SymmetricKey {
        if let data = FileManager.default.contents(atPath: path) {
            let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? 0
            guard mode & 0o077 == 0 else {
                throw BlockStoreError.unsafeKeyFile(
                    "the master key file \(path) has mode \(String(mode, radix: 8)): other users could read it; run chmod 600 \(path)"
                )
            }
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

    /// The keys of the domain with id `id`.
    func keys(forDomainID id: String) async throws -> DomainKeys {
        guard let domain = EncryptionDomain(id: id) else { throw BlockStoreError.corrupt("\(id) is not a domain id") }
        return try await keys(for: domain)
    }

    /// The keys of `domain`, creating its data key on first use.
    func keys(for domain: EncryptionDomain) async throws -> DomainKeys {
        if let cached = cache.withLock({ $0[domain.id] }) { return cached }
        let id = domain.id
        var fresh = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        var newWrapping: [UInt8]
        if let wrapper, domain.isEncrypted, let byKMS = try await wrapper.wrap(fresh, for: domain) {
            newWrapping = [UInt8(ascii: "K")] + byKMS
        } else {
            newWrapping = [UInt8(ascii: "M")] + (try sealUnderMaster(fresh, id: id))
        }
        let proposed = newWrapping
        let wrapped = try await index.wrappedDomainKey(id, proposing: proposed)
        fresh = []
        newWrapping = []
        let dataKey: SymmetricKey
        switch wrapped.first {
        case UInt8(ascii: "K"):
            guard let wrapper else { throw BlockStoreError.corrupt("the data key of \(id) is wrapped by KMS, but no KMS is at hand") }
            dataKey = SymmetricKey(data: try await wrapper.unwrap(Array(wrapped.dropFirst()), for: domain))
        case UInt8(ascii: "M"):
            dataKey = try openUnderMaster(Array(wrapped.dropFirst()), id: id)
        default:
            // Written before the marker existed: sealed under the master key.
            dataKey = try openUnderMaster(wrapped, id: id)
        }
        let keys = DomainKeys(
            blockID: HKDF<SHA256>.deriveKey(inputKeyMaterial: dataKey, info: Array("kiln block id".utf8), outputByteCount: 32),
            seal: HKDF<SHA256>.deriveKey(inputKeyMaterial: dataKey, info: Array("kiln block seal".utf8), outputByteCount: 32)
        )
        cache.withLock { $0[id] = keys }
        return keys
    }

    private func sealUnderMaster(_ dataKey: [UInt8], id: String) throws -> [UInt8] {
        guard let combined = try AES.GCM.seal(dataKey, using: master, authenticating: Array(id.utf8)).combined else {
            throw BlockStoreError.corrupt("cannot wrap a domain key")
        }
        return [UInt8](combined)
    }

    private func openUnderMaster(_ wrapped: [UInt8], id: String) throws -> SymmetricKey {
        let box = try AES.GCM.SealedBox(combined: wrapped)
        return SymmetricKey(data: try AES.GCM.open(box, using: master, authenticating: Array(id.utf8)))
    }
}
