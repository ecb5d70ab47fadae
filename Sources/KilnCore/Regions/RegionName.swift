/// A region's name, such as `us-east-1`.
package struct RegionName: Sendable, Hashable, Codable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The name.
    package let rawValue: String

    /// Wraps a region name; whether Kiln serves it is the ``RegionCatalog``'s business.
    package init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    package init(stringLiteral value: String) {
        self.init(value)
    }

    package var description: String { rawValue }

    package static func < (lhs: RegionName, rhs: RegionName) -> Bool { lhs.rawValue < rhs.rawValue }

    package init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// AWS's short form used in zone ids: `us-east-1` → `use1`, `ap-southeast-2` → `apse2`.
    package var shortCode: String {
        let parts = rawValue.split(separator: "-")
        guard parts.count == 3 else { return rawValue.filter { $0 != "-" } }
        let directions = [
            "east": "e", "west": "w", "north": "n", "south": "s", "central": "c",
            "northeast": "ne", "southeast": "se", "northwest": "nw", "southwest": "sw",
        ]
        return String(parts[0]) + (directions[String(parts[1])] ?? String(parts[1])) + String(parts[2])
    }
}
