import Crypto
import Foundation

/// What every service of the cloud shares: who may call, which regions exist, where state and
/// data are kept, and the clock, ids and scheduler every operation uses.
///
/// Each operation runs in one ``MetadataStore`` transaction through ``read(_:_:)`` or
/// ``write(_:_:)``, which also give dry runs their meaning: every check runs, then the
/// transaction is rolled back.
package struct CloudContext: Sendable {
    /// Accounts, keys and organizations.
    package let identity: IdentityDirectory
    /// Regions and zones.
    package let regions: RegionCatalog
    /// Where state is kept.
    package let store: any MetadataStore
    /// The time.
    package let clock: any Clock
    /// Resource and request ids.
    package let ids: any IDGenerator
    /// Asynchronous transitions, with the handler of every kind registered.
    package let scheduler: TransitionScheduler
    /// Block data.
    package let blocks: any BlockStore
    /// Whole objects outside the block store: instance-store bundles and stored images, under
    /// `buckets/BUCKET/KEY`, as an S3 bucket would hold them.
    package let objects: any BlobStore
    /// EBS direct uploads in progress.
    package let uploads: UploadSessions
    /// KMS key material.
    package let keys: KeyVault
    /// Signs the EBS direct APIs' block tokens.
    let blockTokens: BlockToken
    /// Seals page tokens (see ``PageScope``).
    let pageTokenKey: SymmetricKey
    /// Makes and checks the session tokens of the instance metadata service (IMDSv2).
    let metadataTokens: ExpiringToken
    /// Where instances run: records only, or real machines.
    package let runtime: any InstanceRuntime
    /// In a cluster, this node's id, recorded on the instances it launches; `nil` alone.
    package let nodeID: String?

    /// Assembles a context; `scheduler` already knows the transitions of every resource kind.
    init(
        identity: IdentityDirectory,
        regions: RegionCatalog,
        store: any MetadataStore,
        clock: any Clock,
        ids: any IDGenerator,
        scheduler: TransitionScheduler,
        blocks: any BlockStore,
        objects: any BlobStore,
        tokenKey: SymmetricKey,
        keyWrappingKey: SymmetricKey,
        runtime: any InstanceRuntime,
        sharedUploads: Bool = false,
        nodeID: String? = nil
    ) {
        self.identity = identity
        self.regions = regions
        self.store = store
        self.clock = clock
        self.ids = ids
        self.scheduler = scheduler
        self.blocks = blocks
        self.objects = objects
        self.uploads = sharedUploads ? UploadSessions(sharedIn: store, blocks: blocks) : UploadSessions()
        self.blockTokens = BlockToken(key: tokenKey)
        self.metadataTokens = ExpiringToken(
            key: HKDF<SHA256>.deriveKey(inputKeyMaterial: tokenKey, info: Array("kiln metadata tokens".utf8), outputByteCount: 32)
        )
        self.pageTokenKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: tokenKey, info: Array("kiln page tokens".utf8), outputByteCount: 32)
        self.keys = KeyVault(wrappingKey: keyWrappingKey)
        self.runtime = runtime
        self.nodeID = nodeID
    }

    /// Runs a read-only operation for `caller` in its region; a dry run answers `DryRunOperation` once its checks pass.
    package func read<Result: Sendable>(
        _ caller: Caller,
        _ body: @escaping @Sendable (any MetadataTransaction) throws -> Result
    ) async throws -> Result {
        try await reading(caller) { try await store.read(body) }
    }

    /// ``read(_:_:)`` without a transaction around `body` (see ``MetadataStore/readCommitted(_:)``).
    package func readCommitted<Result: Sendable>(
        _ caller: Caller,
        _ body: @escaping @Sendable (any MetadataTransaction) throws -> Result
    ) async throws -> Result {
        try await reading(caller) { try await store.readCommitted(body) }
    }

    /// A read in an enabled region; a dry run answers `DryRunOperation` once its checks pass.
    private func reading<Result: Sendable>(_ caller: Caller, _ run: () async throws -> Result) async throws -> Result {
        _ = try regions.requireEnabled(caller.region)
        let result = try await run()
        if caller.dryRun { throw CloudError.dryRunOperation }
        return result
    }

    /// Runs a changing operation for `caller` in one transaction, then carries out the
    /// transitions that are due. A dry run rolls everything back and answers `DryRunOperation`.
    ///
    /// The due transitions run in a transaction of their own, after the operation's commit:
    /// reading the due set inside every operation would make all concurrent writes depend on
    /// each other, which a serializable store (PostgreSQL) answers by aborting them.
    package func write<Result: Sendable>(
        _ caller: Caller,
        _ body: @escaping @Sendable (any MetadataTransaction) throws -> Result
    ) async throws -> Result {
        _ = try regions.requireEnabled(caller.region)
        let result = try await store.write { transaction in
            let result = try body(transaction)
            if caller.dryRun { throw CloudError.dryRunOperation }
            return result
        }
        await applyDueTransitions()
        return result
    }

    /// Carries out the transitions due now, if any, so that an `instant` one is done before the
    /// next request. The operation before it has committed, so a failure here is not its
    /// failure: the transition runner carries out what is left within its poll interval.
    private func applyDueTransitions() async {
        let (clock, scheduler) = (self.clock, self.scheduler)
        do {
            guard let next = try await store.readCommitted({ try $0.nextTransitionDue() }), next <= clock.now else { return }
            try await store.write { try scheduler.applyDue(in: $0) }
        } catch {
            return
        }
    }
}
