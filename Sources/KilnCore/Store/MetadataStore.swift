import Foundation

/// Where Kiln keeps its state: SQLite by default.
///
/// Every API call runs in one transaction: ``write(_:)`` commits all its changes or none,
/// so a crash in the middle of a request leaves no half-made resource.
package protocol MetadataStore: Sendable {
    /// Runs `body` in a read-only transaction.
    func read<Result: Sendable>(_ body: @escaping @Sendable (any MetadataTransaction) throws -> Result) async throws -> Result
    /// Runs `body` without a transaction around it: each statement reads the latest committed
    /// state, so two statements may see different states. Only for lookups whose statements
    /// need not agree (a page of images, then their tags), never for anything that decides
    /// what to keep or delete.
    func readCommitted<Result: Sendable>(_ body: @escaping @Sendable (any MetadataTransaction) throws -> Result) async throws -> Result
    /// Runs `body` in a transaction that commits when it returns and rolls back when it throws.
    func write<Result: Sendable>(_ body: @Sendable (any MetadataTransaction) throws -> Result) async throws -> Result
    /// Runs `body` in a write transaction that first claims the stored resource `resourceID`,
    /// as an update of it would, and that otherwise takes no part in the checks that keep
    /// concurrent writes serializable.
    ///
    /// Only for a frequent writer of rows that no other transaction writes, which needs the
    /// resource to stay as it is until it commits: a served volume's flushes, which rewrite
    /// its block map many times a second. A concurrent write that changes the claimed resource
    /// waits for the claim, or runs again after it, so it reads what `body` wrote; a
    /// transaction that only reads the volume's map sees it before or after `body`, whole.
    func write<Result: Sendable>(claiming resourceID: String, _ body: @Sendable (any MetadataTransaction) throws -> Result)
        async throws -> Result
}

extension MetadataStore {
    /// A store whose writes run one at a time needs no claim.
    package func write<Result: Sendable>(
        claiming resourceID: String,
        _ body: @Sendable (any MetadataTransaction) throws -> Result
    ) async throws -> Result {
        try await write(body)
    }

    /// A store without a cheaper form reads in a transaction.
    package func readCommitted<Result: Sendable>(_ body: @escaping @Sendable (any MetadataTransaction) throws -> Result) async throws -> Result {
        try await read(body)
    }
}

/// The operations of one transaction.
package protocol MetadataTransaction {
    // MARK: Resources

    /// The resource of type `type` with id `id`, in any region.
    func fetch<Resource: StoredResource>(_ type: Resource.Type, id: String) throws -> Resource?
    /// Every resource of `type` in `region`, owned by `owner` when given, in id order.
    func fetchAll<Resource: StoredResource>(_ type: Resource.Type, region: RegionName, owner: AccountID?) throws -> [Resource]
    /// Inserts or replaces a resource.
    func save<Resource: StoredResource>(_ resource: Resource) throws
    /// Removes a resource and the tags on it.
    func delete<Resource: StoredResource>(_ type: Resource.Type, id: String) throws
    /// Up to `limit` resources of `type` in `region` owned by `owner`, in id order after `startAfter`.
    func page<Resource: StoredResource>(_ type: Resource.Type, region: RegionName, owner: AccountID, after startAfter: String?, limit: Int) throws
        -> [Resource]
    /// Up to `limit` resources of `type` in `region` that `account` owns or is granted (itself
    /// or as one of all), in id order after `startAfter`.
    func page<Resource: GrantedResource>(
        _ type: Resource.Type,
        region: RegionName,
        visibleTo account: AccountID,
        after startAfter: String?,
        limit: Int
    )
        throws -> [Resource]

    // MARK: Tags

    /// The tags `account` has put on `resourceID`, by key.
    func tags(on resourceID: String, by account: AccountID) throws -> [Tag]
    /// The tags `account` has put on each of `resourceIDs`, by resource id; resources without tags are absent.
    func tags(on resourceIDs: [String], by account: AccountID) throws -> [String: [Tag]]
    /// Up to `limit` tags `account` has put on anything in `region`, in order of resource id
    /// then key, after the tag at `position` (from the first when nil).
    func tags(by account: AccountID, region: RegionName, after position: TagPosition?, limit: Int) throws -> [ResourceTag]
    /// Sets a tag's value, adding the tag if it is new.
    func putTag(_ tag: Tag, on resourceID: String, resourceType: String, by account: AccountID, region: RegionName) throws
    /// Removes a tag.
    func removeTag(key: String, from resourceID: String, by account: AccountID) throws

    // MARK: Images

    /// An image by its storage key (its id, or `id@region`, see ``Image/storageKey``), in any state.
    func image(_ id: String) throws -> Image?
    /// Inserts or replaces an image, with its launch permissions and snapshots indexed.
    func saveImage(_ image: Image) throws
    /// The images a query selects, in the query's order.
    func images(_ query: ImageQuery) throws -> [Image]
    /// The live (not deregistered) image of `owner` in `region` named `name`, if any.
    func imageNamed(_ name: String, owner: AccountID, region: RegionName) throws -> Image?
    /// The storage keys of the live images whose mappings use `snapshotID`.
    func imagesUsing(snapshotID: String) throws -> [String]

    // MARK: Block maps of snapshots and volumes

    /// The blocks of a snapshot or volume from `index` on, in index order, at most `limit`.
    func blockMap(of ownerID: String, from index: Int, limit: Int?) throws -> [BlockEntry]
    /// The block at `index` of a snapshot or volume, if it has one.
    func blockEntry(of ownerID: String, at index: Int) throws -> BlockEntry?
    /// Adds or replaces entries of a snapshot's or volume's map, whose blocks are in `domain`.
    func putBlockEntries(_ entries: [BlockEntry], of ownerID: String, domain: String) throws
    /// Removes entries (the blocks became zero).
    func removeBlockEntries(at indexes: [Int], of ownerID: String) throws
    /// Copies the whole map of `sourceID` to `targetID`, replacing what it had.
    func copyBlockMap(from sourceID: String, to targetID: String) throws
    /// Forgets a snapshot's or volume's map.
    func deleteBlockMap(of ownerID: String) throws
    /// How many blocks a map holds.
    func blockCount(of ownerID: String) throws -> Int

    // MARK: Stored blocks

    /// How many bytes the blocks `blocks` of `domain` take where they are stored; blocks not
    /// stored count nothing. Snapshot billing measures with it.
    func storedBytes(of blocks: Set<BlockID>, domain: String) throws -> Int64

    // MARK: Scheduled transitions

    /// Records a transition to carry out at its due time.
    func insert(_ transition: ScheduledTransition) throws
    /// The transitions due at or before `date`, earliest first.
    func transitions(dueBy date: Date) throws -> [ScheduledTransition]
    /// When the next transition falls due, if any is waiting.
    func nextTransitionDue() throws -> Date?
    /// Forgets a transition once carried out.
    func removeTransition(_ transition: ScheduledTransition) throws

    // MARK: Console sessions

    /// The console session `id`, if it is open.
    func consoleSession(_ id: String) throws -> ConsoleSessionRecord?
    /// Inserts or replaces a console session.
    func saveConsoleSession(_ record: ConsoleSessionRecord) throws
    /// Ends the console session `id`.
    func removeConsoleSession(_ id: String) throws
    /// Ends every console session last used before `cutoff`.
    func removeConsoleSessions(idleSince cutoff: Date) throws

    // MARK: Whole store

    /// Forgets everything: every resource, tag, map and transition in every account and region.
    /// Stored blocks stay until garbage collection finds them unreferenced, and console
    /// sessions stay signed in.
    func eraseEverything() throws
}

extension MetadataTransaction {
    /// The image `id` names in `region`, in any state: filed under its id, or under its id and
    /// region when every region has an image of that id.
    func image(_ id: String, in region: RegionName) throws -> Image? {
        if let found = try self.image(id), found.region == region { return found }
        return try self.image(Image.regionalKey(id, region: region))
    }

    /// The resources of `type` in `region` that `ids` name and `isVisible` admits, in id order,
    /// and the ids that name none of them, in the order given.
    ///
    /// One lookup per id: a Describe call that names its resources reads only those, where a
    /// scan of the region would read, and decode, every resource of the kind.
    func fetch<Resource: StoredResource>(
        _ type: Resource.Type,
        ids: [String],
        region: RegionName,
        where isVisible: (Resource) -> Bool
    ) throws -> (found: [Resource], missing: [String]) {
        var found: [String: Resource] = [:]
        var missing: [String] = []
        for id in ids where found[id] == nil {
            if let resource = try fetch(type, id: id), resource.region == region, isVisible(resource) {
                found[id] = resource
            } else if !missing.contains(id) {
                missing.append(id)
            }
        }
        return (found.keys.sorted().compactMap { found[$0] }, missing)
    }
}
