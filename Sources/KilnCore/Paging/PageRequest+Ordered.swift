extension PageRequest {
    /// For lists the store orders by a key before the id (a name, a date): the sort key and
    /// the id of the item after which this page starts, `nil` for the first page.
    package func startAfterKeyed() throws -> (key: String, id: String)? {
        guard let nextToken else { return nil }
        guard let position = scope.open(nextToken), let parsed = Self.keyedPosition(position) else {
            throw CloudError.invalidPaginationToken(nextToken)
        }
        return parsed
    }

    /// For lists the store orders by a key before the id: the token of the page that starts
    /// after the item with sort key `key` and id `id`.
    package func token(afterKey key: String, id: String) -> String {
        scope.seal("s\(key.utf8.count):\(key)\(id)")
    }

    /// A keyed position: `s`, the key's length in bytes, `:`, the key, then the id.
    private static func keyedPosition(_ position: String) -> (key: String, id: String)? {
        let bytes = Array(position.utf8)
        guard bytes.first == UInt8(ascii: "s"), let colon = bytes.firstIndex(of: UInt8(ascii: ":")),
            let length = Int(String(decoding: bytes[1..<colon], as: UTF8.self)), length >= 0, colon + 1 + length <= bytes.count
        else { return nil }
        let keyEnd = colon + 1 + length
        return (String(decoding: bytes[(colon + 1)..<keyEnd], as: UTF8.self), String(decoding: bytes[keyEnd...], as: UTF8.self))
    }
}
