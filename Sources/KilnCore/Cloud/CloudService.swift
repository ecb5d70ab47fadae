/// A service of the cloud: the operations of one concept (volumes, images, KMS…) over the
/// ``CloudContext`` that all services share.
///
/// A service keeps no state of its own beyond the context; what it changes lives in the
/// store's transactions. The rules that several services apply inside a transaction (a live
/// volume, a snapshot the caller may see, what removing a volume releases) are extensions of
/// ``MetadataTransaction``, in `Rules/`. A service reaches another through ``CloudContext``'s
/// service properties (`context.snapshots`).
package protocol CloudService: Sendable {
    /// What the service shares with every other.
    var context: CloudContext { get }
}

extension CloudService {
    var identity: IdentityDirectory { context.identity }
    var regions: RegionCatalog { context.regions }
    var store: any MetadataStore { context.store }
    var clock: any Clock { context.clock }
    var ids: any IDGenerator { context.ids }
    var scheduler: TransitionScheduler { context.scheduler }
    var blocks: any BlockStore { context.blocks }
    var objects: any BlobStore { context.objects }
    var uploads: UploadSessions { context.uploads }
    var keys: KeyVault { context.keys }
    var blockTokens: BlockToken { context.blockTokens }

    /// See ``CloudContext/read(_:_:)``.
    func read<Result: Sendable>(
        _ caller: Caller,
        _ body: @escaping @Sendable (any MetadataTransaction) throws -> Result
    ) async throws -> Result {
        try await context.read(caller, body)
    }

    /// See ``CloudContext/readCommitted(_:_:)``.
    func readCommitted<Result: Sendable>(
        _ caller: Caller,
        _ body: @escaping @Sendable (any MetadataTransaction) throws -> Result
    ) async throws -> Result {
        try await context.readCommitted(caller, body)
    }

    /// See ``CloudContext/write(_:_:)``.
    func write<Result: Sendable>(
        _ caller: Caller,
        _ body: @escaping @Sendable (any MetadataTransaction) throws -> Result
    ) async throws -> Result {
        try await context.write(caller, body)
    }
}
