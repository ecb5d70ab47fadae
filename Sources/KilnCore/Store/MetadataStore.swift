import Foundation

/// Where Kiln keeps its state: SQLite by default, other databases later.
///
/// Every API call runs in one transaction: ``write(_:)`` commits all its changes or none,
/// so a crash in the middle of a request leaves no half-made resource.
public protocol MetadataStore: Sendable {
    /// Runs `body` in a read-only transaction.
    func read<Result: Sendable>(_ body: @Sendable (any MetadataTransaction) throws -> Result) async throws -> Result
    /// Runs `body` in a transaction that commits when it returns and rolls back when it throws.
    func write<Result: Sendable>(_ body: @Sendable (any MetadataTransaction) throws -> Result) async throws -> Result
}

/// The operations of one transaction.
public protocol MetadataTransaction {
    // MARK: Resources

    /// The resource of type `type` with id `id`, in any region.
    func fetch<Resource: StoredResource>(_ type: Resource.Type, id: String) throws -> Resource?
    /// Every resource of `type` in `region`, owned by `owner` when given, in id order.
    func fetchAll<Resource: StoredResource>(_ type: Resource.Type, region: RegionName, owner: AccountID?) throws -> [Resource]
    /// Inserts or replaces a resource.
    func save<Resource: StoredResource>(_ resource: Resource) throws
    /// Removes a resource and the tags on it.
    func delete<Resource: StoredResource>(_ type: Resource.Type, id: String) throws

    // MARK: Tags

    /// The tags `account` has put on `resourceID`, by key.
    func tags(on resourceID: String, by account: AccountID) throws -> [Tag]
    /// Every tag `account` has put on anything in `region`, by resource id then key.
    func allTags(by account: AccountID, region: RegionName) throws -> [ResourceTag]
    /// Sets a tag's value, adding the tag if it is new.
    func putTag(_ tag: Tag, on resourceID: String, resourceType: String, by account: AccountID, region: RegionName) throws
    /// Removes a tag.
    func removeTag(key: String, from resourceID: String, by account: AccountID) throws

    // MARK: Scheduled transitions

    /// Records a transition to carry out at its due time.
    func insert(_ transition: ScheduledTransition) throws
    /// The transitions due at or before `date`, earliest first.
    func transitions(dueBy date: Date) throws -> [ScheduledTransition]
    /// When the next transition falls due, if any is waiting.
    func nextTransitionDue() throws -> Date?
    /// Forgets a transition once carried out.
    func removeTransition(_ transition: ScheduledTransition) throws

    // MARK: Whole store

    /// Forgets everything: every resource, tag and transition in every account and region.
    func eraseEverything() throws
}
