import Foundation
import KilnCore
import KilnWire

extension EC2Front {
    static func registerKeyPairs(in operations: inout OperationTable, cloud: Cloud) {
        operations.on(EC2.CreateKeyPair.self) { input, caller in
            if let format = input.keyFormat?.rawValue, format != "pem" {
                throw CloudError.invalidParameterValue("Kiln writes private keys in the pem format only; '\(format)' is not offered.")
            }
            let tags = try tags(of: input.tagSpecifications, for: "key-pair")
            let (pair, privateKey) = try await cloud.keyPairs.createKeyPair(caller, name: input.keyName, type: input.keyType?.rawValue, tags: tags)
            return EC2.KeyPair(
                keyFingerprint: pair.fingerprint,
                keyMaterial: privateKey,
                keyName: pair.name,
                keyPairId: pair.id,
                tags: wireTags(tags)
            )
        }

        operations.on(EC2.ImportKeyPair.self) { input, caller in
            let tags = try tags(of: input.tagSpecifications, for: "key-pair")
            let pair = try await cloud.keyPairs.importKeyPair(
                caller,
                name: input.keyName,
                publicKeyMaterial: input.publicKeyMaterial.bytes,
                tags: tags
            )
            return EC2.ImportKeyPairResult(keyFingerprint: pair.fingerprint, keyName: pair.name, keyPairId: pair.id, tags: wireTags(tags))
        }

        operations.on(EC2.DescribeKeyPairs.self) { input, caller in
            let pairs = try await cloud.keyPairs.describeKeyPairs(
                caller,
                names: input.keyNames,
                ids: input.keyPairIds,
                filters: filters(input.filters)
            )
            return EC2.DescribeKeyPairsResult(
                keyPairs: pairs.map { pair, tags in
                    EC2.KeyPairInfo(
                        createTime: pair.createTime,
                        keyFingerprint: pair.fingerprint,
                        keyName: pair.name,
                        keyPairId: pair.id,
                        keyType: .init(rawValue: pair.type),
                        publicKey: input.includePublicKey == true ? pair.publicKey : nil,
                        tags: wireTags(tags)
                    )
                }
            )
        }

        operations.on(EC2.DeleteKeyPair.self) { input, caller in
            let deleted = try await cloud.keyPairs.deleteKeyPair(caller, name: input.keyName, id: input.keyPairId)
            return EC2.DeleteKeyPairResult(keyPairId: deleted?.id, return: true)
        }
    }
}
