import Foundation

/// EC2 key pairs: created, imported, described and deleted.
package struct KeyPairService: CloudService {
    package let context: CloudContext
}

/// CreateKeyPair, ImportKeyPair, DescribeKeyPairs and DeleteKeyPair.
extension KeyPairService {

    /// The caller's key pair named `name` in its region, if any.
    func keyPair(named name: String, caller: Caller, in transaction: any MetadataTransaction) throws -> KeyPair? {
        try transaction.fetchAll(KeyPair.self, region: caller.region, owner: caller.account).first { $0.name == name }
    }

    /// CreateKeyPair: a new pair; the private key is returned once and never stored.
    package func createKeyPair(_ caller: Caller, name: String, type: String?, tags: [Tag]) async throws -> (KeyPair, privateKey: String) {
        try Self.validateKeyName(name)
        for tag in tags { try tag.validate() }
        let material = try KeyMaterial.generate(type: type ?? "rsa", name: name)
        let pair = KeyPair(
            id: ids.resourceID(.keyPair),
            owner: caller.account,
            region: caller.region,
            name: name,
            type: type ?? "rsa",
            fingerprint: material.fingerprint,
            publicKey: material.publicKey,
            createTime: clock.now
        )
        try await save(pair, tags: tags, caller: caller)
        return (pair, material.privateKey)
    }

    /// ImportKeyPair: keeps the public key of a pair made elsewhere.
    package func importKeyPair(_ caller: Caller, name: String, publicKeyMaterial: [UInt8], tags: [Tag]) async throws -> KeyPair {
        try Self.validateKeyName(name)
        for tag in tags { try tag.validate() }
        let parsed = try KeyMaterial.parsePublicKey(publicKeyMaterial)
        let pair = KeyPair(
            id: ids.resourceID(.keyPair),
            owner: caller.account,
            region: caller.region,
            name: name,
            type: parsed.type,
            fingerprint: parsed.fingerprint,
            publicKey: parsed.line,
            createTime: clock.now
        )
        try await save(pair, tags: tags, caller: caller)
        return pair
    }

    private func save(_ pair: KeyPair, tags: [Tag], caller: Caller) async throws {
        try await write(caller) { transaction in
            if try keyPair(named: pair.name, caller: caller, in: transaction) != nil {
                throw CloudError.duplicateKeyPair(pair.name)
            }
            try transaction.save(pair)
            for tag in tags {
                try transaction.putTag(tag, on: pair.id, resourceType: "key-pair", by: caller.account, region: caller.region)
            }
        }
    }

    private static func validateKeyName(_ name: String) throws {
        guard !name.isEmpty, name.count <= 255, name.allSatisfy(\.isASCII) else {
            throw CloudError.invalidParameterValue("Value (\(name)) for parameter KeyName is invalid: 1 to 255 ASCII characters.")
        }
    }

    /// DescribeKeyPairs: the caller's pairs, by name, by id or filtered; a missing name or id is an error.
    package func describeKeyPairs(_ caller: Caller, names: [String]?, ids requested: [String]?, filters: [Filter]) async throws -> [(KeyPair, [Tag])]
    {
        let filterSet = try FilterSet(filters, supported: DocumentedFilters.describeKeyPairs.union(["key-type"]), allowsTags: true)
        return try await read(caller) { transaction in
            let pairs = try transaction.fetchAll(KeyPair.self, region: caller.region, owner: caller.account).sorted { $0.name < $1.name }
            for name in names ?? [] where !pairs.contains(where: { $0.name == name }) { throw CloudError.keyPairNotFound(name) }
            for id in requested ?? [] where !pairs.contains(where: { $0.id == id }) { throw CloudError.keyPairNotFound(id) }
            return try pairs.filter { pair in
                (names?.isEmpty ?? true || names?.contains(pair.name) == true) && (requested?.isEmpty ?? true || requested?.contains(pair.id) == true)
            }.map { ($0, try transaction.tags(on: $0.id, by: caller.account)) }.filter { pair, tags in
                filterSet.admits { name in
                    if let values = FilterSet.tagValues(name, tags: tags) { return values }
                    switch name {
                    case "key-pair-id": return [pair.id]
                    case "key-name": return [pair.name]
                    case "fingerprint": return [pair.fingerprint]
                    case "key-type": return [pair.type]
                    default: return []
                    }
                }
            }
        }
    }

    /// DeleteKeyPair: forgets a pair by name or id; a name that is not there is no error, as on AWS.
    package func deleteKeyPair(_ caller: Caller, name: String?, id: String?) async throws -> KeyPair? {
        guard name != nil || id != nil else { throw CloudError.missingParameter("KeyName or KeyPairId") }
        return try await write(caller) { transaction in
            let pairs = try transaction.fetchAll(KeyPair.self, region: caller.region, owner: caller.account)
            guard let pair = pairs.first(where: { pair in (name.map { pair.name == $0 } ?? true) && (id.map { pair.id == $0 } ?? true) }) else {
                if let id { throw CloudError.keyPairNotFound(id) }
                return nil
            }
            try transaction.delete(KeyPair.self, id: pair.id)
            return pair
        }
    }
}
