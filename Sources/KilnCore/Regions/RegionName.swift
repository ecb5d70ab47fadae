/// A region's name, such as `us-east-1`.
public struct RegionName: Sendable, Hashable, Codable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The name.
    public let rawValue: String

    /// Wraps a region name; whether Kiln serves it is the ``RegionCatalog``'s business.
    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    public init(stringLiteral value: String) {
        self.init(value)
    }

    public var description: String { rawValue }

    public static func < (lhs: RegionName, rhs: RegionName) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// AWS's short form used in zone ids: `us-east-1` → `use1`, `ap-southeast-2` → `apse2`.
    public var shortCode: String {
        let parts = rawValue.split(separator: "-")
        guard parts.count == 3 else { return rawValue.filter { $0 != "-" } }
        let directions = [
            "east": "e", "west": "w", "north": "n", "south": "s", "central": "c",
            "northeast": "ne", "southeast": "se", "northwest": "nw", "southwest": "sw",
        ]
        return String(parts[0]) + (directions[String(parts[1])] ?? String(parts[1])) + String(parts[2])
    }
}
