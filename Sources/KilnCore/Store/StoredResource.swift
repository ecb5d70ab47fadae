/// A resource kept in the metadata store: a volume, a snapshot, an image…
///
/// Stores keep each resource as a document under its ``kind``, indexed by id, owner and
/// region, so a new kind of resource needs no change to any store.
public protocol StoredResource: Codable, Sendable {
    /// The kind of resource, which is also its id prefix.
    static var kind: ResourcePrefix { get }
    /// The resource's id.
    var id: String { get }
    /// The account that owns it.
    var owner: AccountID { get }
    /// The region it lives in.
    var region: RegionName { get }
}
