/// A tree of metadata values addressed by paths, as the metadata service walks it: a path to
/// a value answers the value, a path to a folder lists its children, a folder's name ending
/// in `/`.
struct MetadataTree: Sendable {
    /// The values, by path without a leading or trailing `/` (`placement/region`).
    var leaves: [String: String]
    /// Folders whose listing is given rather than derived, by path.
    var listings: [String: String]

    /// The answer for `path`, relative to the tree's root.
    func answer(_ path: String) -> MetadataAnswer {
        let trimmed = path.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
        if let value = leaves[trimmed] { return .text(value) }
        if let listing = listings[trimmed] { return .text(listing) }
        let prefix = trimmed.isEmpty ? "" : trimmed + "/"
        var children = Set<String>()
        for key in leaves.keys where key.hasPrefix(prefix) {
            let rest = key.dropFirst(prefix.count)
            if let slash = rest.firstIndex(of: "/") {
                children.insert(String(rest[..<slash]) + "/")
            } else {
                children.insert(String(rest))
            }
        }
        guard !children.isEmpty else { return .notFound }
        return .text(children.sorted().joined(separator: "\n"))
    }
}
