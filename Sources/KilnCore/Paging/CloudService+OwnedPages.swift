extension CloudService {
    /// The caller's resources of `type` in its region for a Describe call, each with the tags
    /// the caller put on it.
    ///
    /// Only resources the caller owns and `listable` admits are ever answered. With
    /// `requested` ids, exactly those (each must exist and be listed, else
    /// `notFound` names the missing ones, in the order given), filtered by `admits` and not
    /// paged, as AWS answers a Describe that names its resources. Without, a page read from
    /// the store in id order (see ``PageRequest/collect(id:read:admits:)``): one page costs
    /// the same however many resources the account has.
    func describeOwned<Resource: StoredResource>(
        _ caller: Caller,
        _ type: Resource.Type,
        ids requested: [String]?,
        listable: @escaping @Sendable (Resource) -> Bool = { _ in true },
        notFound: @escaping @Sendable ([String]) -> CloudError,
        page: PageRequest,
        admits: ((Resource, [Tag])) -> Bool
    ) async throws -> ([(Resource, [Tag])], String?) {
        let account = caller.account
        let listed: @Sendable (Resource) -> Bool = { $0.owner == account && listable($0) }
        if let requested, !requested.isEmpty {
            let named: [(Resource, [Tag])] = try await read(caller) { transaction in
                let (found, missing) = try transaction.fetch(type, ids: requested, region: caller.region, where: listed)
                if !missing.isEmpty { throw notFound(missing) }
                let tags = try transaction.tags(on: found.map(\.id), by: caller.account)
                return found.map { ($0, tags[$0.id] ?? []) }
            }
            return (named.filter(admits), nil)
        }
        let (items, nextToken) = try await page.collect(
            id: { $0.0.id },
            read: { after, limit in
                try await readCommitted(caller) { transaction in
                    let resources = try transaction.page(type, region: caller.region, owner: caller.account, after: after, limit: limit)
                    let tags = try transaction.tags(on: resources.map(\.id), by: caller.account)
                    return resources.map { ($0, tags[$0.id] ?? []) }
                }
            },
            admits: { listed($0.0) && admits($0) }
        )
        return (items, nextToken)
    }
}
