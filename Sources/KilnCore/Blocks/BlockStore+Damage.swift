/// Reads that name what a damaged block belongs to.
///
/// A failure of the store itself (a pack that is damaged, truncated or unreadable) is thrown
/// as `damaged(cause)`, an error that names the block's snapshot or volume. A ``CloudError``
/// (a key that may not be used) and a cancellation pass through as they are.
extension BlockStore {
    /// The plaintext of a stored block, or `damaged`'s error.
    package func read(_ id: BlockID, domain: EncryptionDomain, damaged: (String) -> CloudError) async throws -> [UInt8] {
        try await Self.naming(damaged) { try await read(id, domain: domain) }
    }

    /// ``BlockStore/copy(_:sha256:from:to:)``, or `damaged`'s error when the source block
    /// cannot be read.
    package func copy(_ id: BlockID, sha256: [UInt8], from source: EncryptionDomain, to target: EncryptionDomain, damaged: (String) -> CloudError)
        async throws -> BlockID
    {
        try await Self.naming(damaged) { try await copy(id, sha256: sha256, from: source, to: target) }
    }

    private static func naming<Value>(_ damaged: (String) -> CloudError, _ body: () async throws -> Value) async throws -> Value {
        do {
            return try await body()
        } catch let error as CloudError {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch {
            throw damaged(String(describing: error))
        }
    }
}
