/// DescribeRegions and DescribeAvailabilityZones: the regions and zones a caller may use.
package struct RegionDirectoryService: CloudService {
    package let context: CloudContext
}

extension RegionDirectoryService {
    /// DescribeRegions: the served regions, or every region with `allRegions`.
    package func describeRegions(_ caller: Caller, names: [String]?, allRegions: Bool, filters: [Filter]) async throws -> [Region] {
        let filterSet = try FilterSet(filters, supported: ["endpoint", "region-name", "opt-in-status"])
        var candidates = allRegions ? regions.regions : regions.enabled
        if let names, !names.isEmpty {
            for name in names where regions.region(RegionName(name)) == nil {
                throw CloudError.unknownRegion(name)
            }
            candidates = candidates.filter { names.contains($0.name.rawValue) }
        }
        let result = candidates.filter { region in
            filterSet.admits { name in
                switch name {
                case "endpoint": return [region.endpoint]
                case "region-name": return [region.name.rawValue]
                case "opt-in-status": return [region.status.rawValue]
                default: return []
                }
            }
        }
        return try await read(caller) { _ in result }
    }

    /// DescribeAvailabilityZones: the zones of the caller's region.
    ///
    /// Kiln has no Local or Wavelength Zones, so `allAvailabilityZones` lists the same zones.
    package func describeAvailabilityZones(
        _ caller: Caller,
        names: [String]?,
        ids: [String]?,
        filters: [Filter]
    ) async throws -> [AvailabilityZone] {
        let region = try regions.requireEnabled(caller.region)
        let filterSet = try FilterSet(
            filters,
            supported: [
                "group-name", "message", "network-border-group", "opt-in-status", "region-name", "state", "zone-id",
                "zone-name", "zone-type", "group-long-name", "parent-zone-id", "parent-zone-name",
            ]
        )
        var zones = region.zones
        for name in names ?? [] where !zones.contains(where: { $0.name == name }) {
            throw CloudError.unknownZone(name)
        }
        for id in ids ?? [] where !zones.contains(where: { $0.id == id }) {
            throw CloudError.unknownZoneID(id)
        }
        if let names, !names.isEmpty { zones = zones.filter { names.contains($0.name) } }
        if let ids, !ids.isEmpty { zones = zones.filter { ids.contains($0.id) } }
        let result = zones.filter { zone in
            filterSet.admits { name in
                switch name {
                case "group-name", "group-long-name": return [zone.groupName]
                case "network-border-group": return [zone.networkBorderGroup]
                case "opt-in-status": return ["opt-in-not-required"]
                case "region-name": return [zone.region.rawValue]
                case "state": return [zone.state]
                case "zone-id": return [zone.id]
                case "zone-name": return [zone.name]
                case "zone-type": return [zone.zoneType]
                default: return []
                }
            }
        }
        return try await read(caller) { _ in result }
    }
}
