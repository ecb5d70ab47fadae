/// Bucket ownership: the first account to write to a bucket owns it, as the account that
/// creates an S3 bucket does, and no other account reads, writes, stores into or restores
/// from it. The owner is kept as an object outside every bucket's keys.
extension BundleService {
    static func ownerObjectName(_ bucket: String) -> String { "bucket-owners/\(bucket)" }

    /// The account that owns `bucket`; `nil` for a bucket nobody has written to.
    func bucketOwner(_ bucket: String) async throws -> String? {
        let name = Self.ownerObjectName(bucket)
        guard let size = try await objects.size(name) else { return nil }
        return String(decoding: try await objects.read(name, offset: 0, length: size), as: UTF8.self)
    }

    /// Refuses `caller` a bucket that another account owns.
    package func requireBucketAccess(_ bucket: String, _ caller: Caller) async throws {
        if let owner = try await bucketOwner(bucket), owner != caller.account.rawValue {
            throw CloudError.bucketAccessDenied(bucket)
        }
    }

    /// ``requireBucketAccess(_:_:)`` for a write: a bucket nobody owns becomes the caller's.
    package func claimBucket(_ bucket: String, _ caller: Caller) async throws {
        guard let owner = try await bucketOwner(bucket) else {
            try await objects.write(Self.ownerObjectName(bucket), Array(caller.account.rawValue.utf8))
            return
        }
        if owner != caller.account.rawValue { throw CloudError.bucketAccessDenied(bucket) }
    }

    /// The bucket of a manifest location (`bucket/prefix.manifest.xml`).
    static func bucket(of location: String) -> String {
        String(location.split(separator: "/", maxSplits: 1).first ?? "")
    }
}
