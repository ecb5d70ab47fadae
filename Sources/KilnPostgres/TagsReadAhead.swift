import KilnCore

/// One account's tags on the resources a statement read, read with them, so that the
/// transaction answers the next request for those tags without a round trip.
struct TagsReadAhead {
    /// The account whose tags these are.
    let account: String
    /// The tags of each resource read, none for a resource without tags.
    private var tags: [String: [Tag]] = [:]

    init(account: String) {
        self.account = account
    }

    /// Records the tags on `resourceID`: its keys and their values, in key order.
    mutating func add(_ resourceID: String, keys: [String], values: [String]) {
        tags[resourceID] = zip(keys, values).map { Tag(key: $0, value: $1) }
    }

    /// The tags `account` has put on each of `resourceIDs`, resources without tags absent,
    /// when all of them were read ahead; otherwise `nil`.
    func tags(on resourceIDs: [String], by account: String) -> [String: [Tag]]? {
        guard account == self.account else { return nil }
        var result: [String: [Tag]] = [:]
        for id in resourceIDs {
            guard let found = tags[id] else { return nil }
            if !found.isEmpty { result[id] = found }
        }
        return result
    }
}
