/// CreateTags, DeleteTags and DescribeTags, over every kind of taggable resource.
package struct TagService: CloudService {
    package let context: CloudContext
}

extension TagService {
    /// The resource type of `id` and the key its tags are kept under, if it names a resource the
    /// caller can tag in its region; otherwise the error AWS gives for that id. The key is the id,
    /// or for an image whose id every region shares, its storage key.
    func taggableResource(_ id: String, caller: Caller, in transaction: any MetadataTransaction) throws -> (type: String, key: String) {
        guard let prefix = ResourcePrefix(ofID: id) else {
            throw CloudError.invalidTagResourceID(id)
        }
        var exists: Bool
        var key = id
        switch prefix {
        case .volume:
            let volume = try transaction.fetch(Volume.self, id: id)
            exists = volume.map { $0.owner == caller.account && $0.region == caller.region && $0.state != .deleted } ?? false
            if !exists { throw CloudError.volumeNotFound([id]) }
        case .snapshot:
            _ = try transaction.visibleSnapshot(id, caller: caller)
        case .image:
            // Anyone who can see an image can tag it; the tags are theirs alone.
            key = try context.images.visibleImage(id, caller: caller, in: transaction).storageKey
        case .instance:
            _ = try context.instances.ownedInstance(id, caller: caller, in: transaction)
        case .launchTemplate:
            _ = try context.launchTemplates.ownedLaunchTemplate(id: id, name: nil, caller: caller, in: transaction)
        case .keyPair:
            guard let pair = try transaction.fetch(KeyPair.self, id: id), pair.owner == caller.account, pair.region == caller.region else {
                throw CloudError.keyPairIDNotFound(id)
            }
        default:
            guard try context.networks.ownsTaggable(id, prefix: prefix, caller: caller, in: transaction) else {
                throw CloudError.invalidTagResourceID(id)
            }
        }
        return (prefix.resourceType, key)
    }

    /// CreateTags: adds or overwrites tags on each resource, all or none.
    package func createTags(_ caller: Caller, resourceIDs: [String], tags: [Tag]) async throws {
        guard !resourceIDs.isEmpty else { throw CloudError.missingParameter("ResourceId") }
        guard !tags.isEmpty else { throw CloudError.missingParameter("Tag") }
        for tag in tags { try tag.validate() }
        try await write(caller) { transaction in
            for id in resourceIDs {
                let (type, key) = try taggableResource(id, caller: caller, in: transaction)
                let existing = Set(try transaction.tags(on: key, by: caller.account).map(\.key))
                if existing.union(tags.map(\.key)).count > Tag.maximumPerResource {
                    throw CloudError.tagLimitExceeded(id, Tag.maximumPerResource)
                }
                for tag in tags {
                    try transaction.putTag(tag, on: key, resourceType: type, by: caller.account, region: caller.region)
                }
            }
        }
    }

    /// DeleteTags: removes tags by key, or by key and value; with no tags, removes every tag
    /// (except `aws:` ones) from the resources.
    package func deleteTags(_ caller: Caller, resourceIDs: [String], tags: [(key: String, value: String?)]?) async throws {
        guard !resourceIDs.isEmpty else { throw CloudError.missingParameter("ResourceId") }
        for tag in tags ?? [] where tag.key.lowercased().hasPrefix("aws:") {
            throw CloudError.invalidParameterValue("Tag keys starting with 'aws:' are reserved for internal use")
        }
        let removals = tags.map { $0.map { TagRemoval(key: $0.key, value: $0.value) } }
        try await write(caller) { transaction in
            for id in resourceIDs {
                let key = try taggableResource(id, caller: caller, in: transaction).key
                let current = try transaction.tags(on: key, by: caller.account)
                for tag in current {
                    let remove =
                        removals.map { list in list.contains { $0.key == tag.key && ($0.value == nil || $0.value == tag.value) } }
                        ?? true
                    if remove { try transaction.removeTag(key: tag.key, from: key, by: caller.account) }
                }
            }
        }
    }

    /// DescribeTags: the caller's tags in its region, filtered and paged.
    package func describeTags(_ caller: Caller, filters: [Filter], page: PageRequest) async throws -> (tags: [ResourceTag], nextToken: String?) {
        let filterSet = try FilterSet(filters, supported: ["key", "value", "resource-id", "resource-type"])
        let (stored, nextToken) = try await page.collect(
            id: { TagPosition(resourceID: $0.resourceID, key: $0.tag.key).encoded },
            read: { after, limit in
                try await readCommitted(caller) { transaction in
                    try transaction.tags(by: caller.account, region: caller.region, after: after.flatMap(TagPosition.init(encoded:)), limit: limit)
                }
            },
            admits: { tag in
                filterSet.admits { name in
                    switch name {
                    case "key": return [tag.tag.key]
                    case "value": return [tag.tag.value]
                    case "resource-id": return [Image.id(ofStorageKey: tag.resourceID)]
                    case "resource-type": return [tag.resourceType]
                    default: return []
                    }
                }
            }
        )
        // Tags kept under an image's storage key show its id.
        let items = stored.map { tag in
            var shown = tag
            shown.resourceID = Image.id(ofStorageKey: tag.resourceID)
            return shown
        }
        return (items, nextToken)
    }
}

/// A tag to remove: any value when `value` is `nil`.
struct TagRemoval: Sendable {
    var key: String
    var value: String?
}
