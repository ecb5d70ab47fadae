import KilnCore
import KilnWire

extension EC2Front {
    static func registerRegions(in operations: inout OperationTable, cloud: Cloud) {
        operations.on(EC2.DescribeRegions.self) { input, caller in
            let regions = try await cloud.regionDirectory.describeRegions(
                caller,
                names: input.regionNames,
                allRegions: input.allRegions ?? false,
                filters: filters(input.filters)
            )
            return EC2.DescribeRegionsResult(
                regions: regions.map { region in
                    EC2.Region(endpoint: region.endpoint, optInStatus: region.status.rawValue, regionName: region.name.rawValue)
                }
            )
        }

        operations.on(EC2.DescribeAvailabilityZones.self) { input, caller in
            let zones = try await cloud.regionDirectory.describeAvailabilityZones(
                caller,
                names: input.zoneNames,
                ids: input.zoneIds,
                filters: filters(input.filters)
            )
            return EC2.DescribeAvailabilityZonesResult(
                availabilityZones: zones.map { zone in
                    EC2.AvailabilityZone(
                        groupLongName: zone.region.rawValue,
                        groupName: zone.groupName,
                        messages: [],
                        networkBorderGroup: zone.networkBorderGroup,
                        optInStatus: .optInNotRequired,
                        regionName: zone.region.rawValue,
                        state: .init(rawValue: zone.state),
                        zoneId: zone.id,
                        zoneName: zone.name,
                        zoneType: zone.zoneType
                    )
                }
            )
        }
    }
}
