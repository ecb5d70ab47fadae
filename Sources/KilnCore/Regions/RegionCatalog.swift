/// The regions Kiln knows, which of them it serves, and their zones.
///
/// Every commercial AWS region is known, so that `DescribeRegions --all-regions` looks as it
/// does on AWS; those not enabled show as `not-opted-in` and refuse requests with `AuthFailure`.
package struct RegionCatalog: Sendable {
    /// The regions served when the configuration names none: the 17 that AWS enables for every
    /// account; the others are opt-in.
    package static let defaultEnabled: [RegionName] = [
        "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1", "eu-west-1", "eu-west-2", "eu-west-3",
        "eu-central-1", "eu-north-1", "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1",
        "ap-southeast-2",
    ]

    /// Every region AWS has, with its number of zones where ``zoneTable`` does not name them.
    static let known: [(RegionName, zones: Int)] = [
        ("af-south-1", 3), ("ap-east-1", 3), ("ap-northeast-1", 3), ("ap-northeast-2", 4), ("ap-northeast-3", 3),
        ("ap-south-1", 3), ("ap-south-2", 3), ("ap-southeast-1", 3), ("ap-southeast-2", 3), ("ap-southeast-3", 3),
        ("ap-southeast-4", 3), ("ca-central-1", 3), ("ca-west-1", 3), ("eu-central-1", 3), ("eu-central-2", 3),
        ("eu-north-1", 3), ("eu-south-1", 3), ("eu-south-2", 3), ("eu-west-1", 3), ("eu-west-2", 3), ("eu-west-3", 3),
        ("il-central-1", 3), ("me-central-1", 3), ("me-south-1", 3), ("mx-central-1", 3), ("sa-east-1", 3),
        ("us-east-1", 6), ("us-east-2", 3), ("us-west-1", 2), ("us-west-2", 4),
    ]

    /// Every known region, in name order.
    package let regions: [Region]
    private let byName: [RegionName: Region]

    /// A catalog serving `enabled`; names not among AWS's regions are added with three zones.
    package init(enabled: [RegionName] = RegionCatalog.defaultEnabled) {
        let enabledSet = Set(enabled)
        var sizes = Dictionary(Self.known.map { ($0.0, $0.zones) }, uniquingKeysWith: { first, _ in first })
        for name in enabled where sizes[name] == nil {
            sizes[name] = 3
        }
        regions = sizes.keys.sorted().map { name in
            let zones = Self.awsZones[name] ?? Self.zones(of: name, count: sizes[name] ?? 3)
            return Region(name: name, status: enabledSet.contains(name) ? .optInNotRequired : .notOptedIn, zones: zones)
        }
        byName = Dictionary(uniqueKeysWithValues: regions.map { ($0.name, $0) })
    }

    /// The regions Kiln serves.
    package var enabled: [Region] { regions.filter(\.isEnabled) }

    /// The zones of the regions whose zones ``zoneTable`` names as AWS does.
    static let awsZones: [RegionName: [AvailabilityZone]] = {
        var result: [RegionName: [AvailabilityZone]] = [:]
        for line in zoneTable.split(separator: "\n") {
            let parts = line.split(separator: "|")
            guard parts.count == 2 else { continue }
            let region = RegionName(String(parts[0]))
            result[region] = parts[1].split(separator: ",").compactMap { entry in
                let fields = entry.split(separator: ":")
                guard fields.count == 2 else { return nil }
                return AvailabilityZone(name: "\(region)\(fields[0])", id: String(fields[1]), region: region)
            }
        }
        return result
    }()

    /// `count` zones lettered from a, with ids in the same order: for regions the table lacks.
    static func zones(of region: RegionName, count: Int) -> [AvailabilityZone] {
        let letters = "abcdefghij".map(String.init)
        return (0..<min(count, letters.count)).map { index in
            AvailabilityZone(name: "\(region)\(letters[index])", id: "\(region.shortCode)-az\(index + 1)", region: region)
        }
    }

    /// A known region, served or not.
    package func region(_ name: RegionName) -> Region? { byName[name] }

    /// The served region `name`, or the `AuthFailure` AWS gives for a region the account has not enabled.
    package func requireEnabled(_ name: RegionName) throws -> Region {
        guard let region = byName[name], region.isEnabled else {
            throw CloudError.authFailure("AWS was not able to validate the provided access credentials")
        }
        return region
    }

    /// A zone of a served region, by name.
    package func zone(named name: String, in region: RegionName) -> AvailabilityZone? {
        byName[region]?.zones.first { $0.name == name }
    }
}
