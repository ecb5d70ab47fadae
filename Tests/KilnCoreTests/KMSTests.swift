import Crypto
import Foundation
import KilnBlocks
import KilnCore
import KilnStore
import Testing

@testable import KilnTestSupport

@Suite("KMS", .timeLimit(.minutes(2)))
struct KMSTests {
    @Test("A key's policy lets the accounts it names decrypt; a Deny wins; grants add operations")
    func policies() {
        let owner = AccountID("111111111111")!
        let friend = AccountID("222222222222")!
        let stranger = AccountID("333333333333")!
        var key = KMSKey(
            id: "k",
            owner: owner,
            region: "us-east-1",
            description: "",
            state: .enabled,
            managedByAWS: false,
            creationDate: Date(),
            policy: KMSKey.defaultPolicy(owner: owner),
            wrappedMaterial: [],
            grants: []
        )
        #expect(KeyPolicy.allows(key, account: owner, action: "kms:Decrypt"))
        #expect(!KeyPolicy.allows(key, account: friend, action: "kms:Decrypt"))
        key.policy = """
            {"Statement": [
              {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::222222222222:root"]}, "Action": ["kms:Decrypt", "kms:ReEncrypt*"]},
              {"Effect": "Deny", "Principal": {"AWS": "222222222222"}, "Action": "kms:ReEncryptFrom"}
            ]}
            """
        #expect(KeyPolicy.allows(key, account: friend, action: "kms:Decrypt"))
        #expect(KeyPolicy.allows(key, account: friend, action: "kms:ReEncryptTo"), "wildcards match")
        #expect(!KeyPolicy.allows(key, account: friend, action: "kms:ReEncryptFrom"), "a Deny wins")
        #expect(!KeyPolicy.allows(key, account: stranger, action: "kms:Decrypt"))
        key.grants = [
            .init(
                id: "g",
                token: "t",
                name: nil,
                granteePrincipal: "arn:aws:iam::333333333333:role/asg",
                retiringPrincipal: nil,
                operations: ["Decrypt"],
                issuingAccount: owner,
                creationDate: Date()
            )
        ]
        #expect(KeyPolicy.allows(key, account: stranger, action: "kms:Decrypt"))
        #expect(!KeyPolicy.allows(key, account: stranger, action: "kms:Encrypt"))
    }

    @Test("Ciphertext opens only under its key and its encryption context; key material is stored sealed")
    func encryption() async throws {
        let (cloud, _) = try makeTestCloud()
        let caller = testCaller()
        let key = try await cloud.kms.createKey(caller, description: "test", policy: nil, keySpec: nil, keyUsage: nil)
        #expect(key.wrappedMaterial.count == 32 + 28, "256-bit material sealed with AES-GCM")
        let (_, blob) = try await cloud.kms.kmsEncrypt(caller, key.id, plaintext: Array("hello".utf8), context: ["a": "1"], action: "kms:Encrypt")
        #expect(try await cloud.kms.kmsDecrypt(caller, blob: blob, reference: nil, context: ["a": "1"]).1 == Array("hello".utf8))
        await #expect(throws: CloudError.self) { _ = try await cloud.kms.kmsDecrypt(caller, blob: blob, reference: nil, context: [:]) }
        let other = try await cloud.kms.createKey(caller, description: nil, policy: nil, keySpec: nil, keyUsage: nil)
        await #expect(throws: CloudError.self) { _ = try await cloud.kms.kmsDecrypt(caller, blob: blob, reference: other.id, context: ["a": "1"]) }
        await #expect(throws: CloudError.self, "another account") {
            _ = try await cloud.kms.kmsDecrypt(testCaller(account: "222222222222"), blob: blob, reference: nil, context: ["a": "1"])
        }
    }

    @Test("A key scheduled for deletion is gone when its window ends, and its aliases with it")
    func deletion() async throws {
        let (cloud, clock) = try makeTestCloud()
        let caller = testCaller()
        let key = try await cloud.kms.createKey(caller, description: nil, policy: nil, keySpec: nil, keyUsage: nil)
        try await cloud.kms.setAlias(caller, name: "alias/doomed", targetKey: key.id, create: true)
        _ = try await cloud.kms.scheduleKeyDeletion(caller, key.id, pendingWindowInDays: 7)
        clock.advance(by: 6 * 86_400)
        try await cloud.applyDueTransitions()
        #expect(try await cloud.kms.describeKey(caller, "alias/doomed").state == .pendingDeletion)
        clock.advance(by: 2 * 86_400)
        try await cloud.applyDueTransitions()
        await #expect(throws: CloudError.self) { _ = try await cloud.kms.describeKey(caller, key.id) }
        #expect(try await cloud.kms.listAliases(caller, keyReference: nil).map(\.name) == ["alias/aws/ebs"])
    }
}

@Suite("KMS and the data plane", .timeLimit(.minutes(2)))
struct KMSDataPlaneTests {
    @Test("A volume that vanishes for want of its key takes along the map of the deleted snapshot it was the last to use")
    func vanishingVolumeReleasesDeletedSnapshot() async throws {
        let (cloud, clock) = try makeTestCloud(latency: .realistic)
        let caller = testCaller()
        let snapshot = try await completedSnapshot(cloud, caller)
        let key = try await cloud.kms.createKey(caller, description: nil, policy: nil, keySpec: nil, keyUsage: nil)
        let (volume, _) = try await cloud.volumes.createVolume(
            caller,
            VolumeRequest(availabilityZone: "us-east-1a", size: 1, snapshotID: snapshot, encrypted: true, kmsKeyID: key.arn)
        )
        _ = try await cloud.kms.scheduleKeyDeletion(caller, key.id, pendingWindowInDays: 7)
        try await cloud.snapshots.deleteSnapshot(caller, id: snapshot)
        #expect(try await cloud.store.read { try $0.blockCount(of: snapshot) } == 1, "the creating volume still needs the map")
        clock.advance(by: 60)
        try await cloud.applyDueTransitions()
        await #expect(throws: CloudError.self, "the volume vanished") {
            _ = try await cloud.volumes.describeVolumes(caller, ids: [volume.id], filters: [], page: .all)
        }
        #expect(try await cloud.store.read { try $0.blockCount(of: snapshot) } == 0, "and the deleted snapshot's map went with it")
    }

    @Test("An encrypted domain's data key is wrapped by its KMS key: once the key is deleted, its blocks no longer open")
    func envelopeEncryption() async throws {
        let clock = ManualClock()
        let store = try SQLiteMetadataStore.inMemory()
        let blobs = MemoryBlobStore()
        let wrappingKey = SymmetricKey(size: .bits256)
        let master = SymmetricKey(size: .bits256)
        func blockStore() -> PackedBlockStore {
            PackedBlockStore(
                index: store,
                blobs: blobs,
                keyring: Keyring(
                    master: master,
                    index: store,
                    wrapper: KMSDomainKeyWrapper(metadata: store, vault: KeyVault(wrappingKey: wrappingKey))
                ),
                clock: clock
            )
        }
        let cloud = Cloud(
            identity: IdentityDirectory(),
            regions: RegionCatalog(),
            store: store,
            clock: clock,
            ids: SequentialIDGenerator(),
            blocks: blockStore(),
            objects: MemoryBlobStore(),
            keyWrappingKey: wrappingKey
        )
        let caller = testCaller()
        let key = try await cloud.kms.createKey(caller, description: nil, policy: nil, keySpec: nil, keyUsage: nil)
        let domain = EncryptionDomain.encrypted("us-east-1", account: caller.account, kmsKeyARN: key.arn)
        let data = textBlock(3)
        let id = try await cloud.blocks.put(data, sha256: Array(SHA256.hash(data: data)), domain: domain)
        try await cloud.blocks.flush()
        #expect(try await store.wrappedDomainKey(domain.id)?.first == UInt8(ascii: "K"), "wrapped by KMS, not the master key")
        #expect(try await blockStore().read(id, domain: domain) == data, "a fresh keyring unwraps it through KMS")
        _ = try await cloud.kms.scheduleKeyDeletion(caller, key.id, pendingWindowInDays: 7)
        clock.advance(by: 8 * 86_400)
        try await cloud.applyDueTransitions()
        await #expect(throws: (any Error).self, "the key is gone, and with it the data key") { _ = try await blockStore().read(id, domain: domain) }
    }
}
