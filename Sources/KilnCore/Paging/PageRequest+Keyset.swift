extension PageRequest {
    /// A page read from the store in id order: chunks after the token's position are read with
    /// `read(after, limit)` and kept where `admits` says, until the page is full or a short
    /// chunk shows that the store has no more. The next token names the last item kept.
    ///
    /// A page costs the chunks it reads, not the number of resources: with filters that
    /// admit most items, one chunk.
    func collect<Item: Sendable>(
        id: (Item) -> String,
        read: (_ after: String?, _ limit: Int) async throws -> [Item],
        admits: (Item) -> Bool
    ) async throws -> (items: [Item], nextToken: String?) {
        let chunk = Swift.max(maxResults ?? 1000, 100)
        var cursor = try startAfter()
        var result: [Item] = []
        while true {
            let candidates = try await read(cursor, chunk)
            for candidate in candidates {
                cursor = id(candidate)
                guard admits(candidate) else { continue }
                result.append(candidate)
                if let maxResults, result.count == maxResults {
                    return (result, token(after: id(candidate)))
                }
            }
            if candidates.count < chunk { return (result, nil) }
        }
    }
}
