/// A resource kept in the metadata store: a volume, a snapshot, an image…
///
/// Stores keep each resource as a document under its ``kind``, indexed by id, owner and
/// region, so a new kind of resource needs no change to any store.
package protocol StoredResource: Codable, Sendable {
    /// The kind of resource, which is also its id prefix.
    static var kind: ResourcePrefix { get }
    /// The resource's id.
    var id: String { get }
    /// The account that owns it.
    var owner: AccountID { get }
    /// The region it lives in.
    var region: RegionName { get }
}

/// A resource that others may see through grants: a snapshot's createVolumePermission.
///
/// Stores index the grants, so that a page of what an account may see (its own resources and
/// those granted to it or to all) is read in id order from an index.
package protocol GrantedResource: StoredResource {
    /// The accounts granted the resource, and `all` when it is public.
    var grantees: [String] { get }
}
