/// One `Filter.N` of a Describe call: a name and the values any of which may match.
package struct Filter: Sendable, Equatable {
    /// The filter's name, such as `zone-name` or `tag:Name`.
    package var name: String
    /// The values; `*` matches any run of characters and `?` any one character.
    package var values: [String]

    /// Creates a filter.
    package init(name: String, values: [String]) {
        self.name = name
        self.values = values
    }

    /// Whether any of the filter's values matches `candidate`.
    package func matches(_ candidate: String?) -> Bool {
        guard let candidate else { return false }
        return values.contains { Wildcard.matches(pattern: $0, candidate) }
    }

    /// Whether any of the filter's values matches any of `candidates`.
    package func matchesAny(_ candidates: some Sequence<String>) -> Bool {
        candidates.contains { matches($0) }
    }
}

/// Matches the `*` and `?` wildcards of EC2 filters.
package enum Wildcard {
    /// Whether `text` matches `pattern`; `\*` and `\?` stand for literal characters.
    package static func matches(pattern: String, _ text: String) -> Bool {
        if !pattern.utf8.contains(where: { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "\\") }) {
            return pattern == text
        }
        // ASCII on both sides (ids, names, most tags): match bytes, without building Characters.
        if pattern.utf8.allSatisfy({ $0 < 0x80 }), text.utf8.allSatisfy({ $0 < 0x80 }) {
            return matches(Array(pattern.utf8), Array(text.utf8), star: UInt8(ascii: "*"), any: UInt8(ascii: "?"), escape: UInt8(ascii: "\\"))
        }
        return matches(Array(pattern), Array(text), star: "*", any: "?", escape: "\\")
    }

    /// The matching itself, over bytes or Characters: greedy, backtracking to the last star,
    /// linear in practice.
    private static func matches<Element: Equatable>(_ pattern: [Element], _ text: [Element], star: Element, any: Element, escape: Element) -> Bool {
        var tokens: [(element: Element, literal: Bool)] = []
        tokens.reserveCapacity(pattern.count)
        var escaped = false
        for element in pattern {
            if escaped {
                tokens.append((element, true))
                escaped = false
            } else if element == escape {
                escaped = true
            } else {
                tokens.append((element, false))
            }
        }
        if escaped { tokens.append((escape, true)) }
        var p = 0
        var t = 0
        var lastStar: Int? = nil
        var starText = 0
        while t < text.count {
            if p < tokens.count, !tokens[p].literal, tokens[p].element == star {
                lastStar = p
                starText = t
                p += 1
            } else if p < tokens.count, (!tokens[p].literal && tokens[p].element == any) || tokens[p].element == text[t] {
                p += 1
                t += 1
            } else if let lastStar {
                p = lastStar + 1
                starText += 1
                t = starText
            } else {
                return false
            }
        }
        while p < tokens.count, !tokens[p].literal, tokens[p].element == star { p += 1 }
        return p == tokens.count
    }
}

/// The filters of one request, checked against the names an operation supports.
package struct FilterSet: Sendable {
    /// The filters; a resource must match every one.
    package var filters: [Filter]

    /// Checks every name against `supported` (and `tag:` names when `allowsTags`), as AWS does.
    package init(_ filters: [Filter], supported: Set<String>, allowsTags: Bool = false) throws {
        for filter in filters {
            let isTag = allowsTags && (filter.name.hasPrefix("tag:") || filter.name == "tag-key" || filter.name == "tag-value")
            guard isTag || supported.contains(filter.name) else {
                throw CloudError.invalidParameterValue("The filter '\(filter.name)' is invalid")
            }
        }
        self.filters = filters
    }

    /// Whether a resource passes: `value(name)` gives the resource's values for a filter name.
    package func admits(_ values: (String) -> [String]) -> Bool {
        filters.allSatisfy { filter in filter.matchesAny(values(filter.name)) }
    }

    /// The values of the tag filters (`tag:KEY`, `tag-key`, `tag-value`) for a resource with `tags`;
    /// `nil` for other names.
    package static func tagValues(_ name: String, tags: [Tag]) -> [String]? {
        if name == "tag-key" { return tags.map(\.key) }
        if name == "tag-value" { return tags.map(\.value) }
        if name.hasPrefix("tag:") {
            let key = String(name.dropFirst(4))
            return tags.filter { $0.key == key }.map(\.value)
        }
        return nil
    }
}
