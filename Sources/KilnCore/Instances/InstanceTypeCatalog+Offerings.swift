/// Where AWS offers each instance type (see `Generated/InstanceTypeOfferingTable.swift`).
extension InstanceTypeCatalog {
    /// Per type, the regions that offer it and the letters of their zones that do.
    private static let offerings: [String: [RegionName: Set<Character>]] = {
        var result: [String: [RegionName: Set<Character>]] = [:]
        for line in offeringTable.split(separator: "\n") {
            let parts = line.split(separator: "|", maxSplits: 1)
            guard parts.count == 2 else { continue }
            var regions: [RegionName: Set<Character>] = [:]
            for entry in parts[1].split(separator: ",") {
                let fields = entry.split(separator: ":", omittingEmptySubsequences: false)
                guard fields.count == 2 else { continue }
                regions[RegionName(String(fields[0]))] = Set(fields[1])
            }
            result[String(parts[0])] = regions
        }
        return result
    }()

    /// The regions the table knows; a region it does not know offers every type.
    private static let knownRegions: Set<RegionName> = Set(offerings.values.flatMap(\.keys))

    /// Whether `type` is offered in `region`.
    package static func isOffered(_ type: String, in region: RegionName) -> Bool {
        guard knownRegions.contains(region) else { return info(type) != nil }
        return offerings[type]?[region] != nil
    }

    /// Whether `type` is offered in `zone` (its letter is the zone name's last character).
    package static func isOffered(_ type: String, in zone: AvailabilityZone) -> Bool {
        guard knownRegions.contains(zone.region) else { return info(type) != nil }
        guard let letter = zone.name.last else { return false }
        return offerings[type]?[zone.region]?.contains(letter) ?? false
    }
}
