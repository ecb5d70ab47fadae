extension InstanceService {
    /// DescribeInstanceTypes: the types Kiln knows, by name and filters.
    package func describeInstanceTypes(
        _ caller: Caller,
        names requested: [String]?,
        filters: [Filter],
        page: PageRequest
    ) async throws -> (types: [InstanceTypeInfo], nextToken: String?) {
        _ = try await read(caller) { _ in () }
        for name in requested ?? [] where InstanceTypeCatalog.info(name) == nil {
            throw CloudError.unknownInstanceType(name)
        }
        let filterSet = try FilterSet(
            filters,
            supported: [
                "instance-type", "processor-info.supported-architecture", "instance-storage-supported", "hypervisor",
                "vcpu-info.default-vcpus", "memory-info.size-in-mib",
            ]
        )
        let matching = InstanceTypeCatalog.all.filter { type in
            (requested?.contains(type.name) ?? true)
                && filterSet.admits { name in
                    switch name {
                    case "instance-type": return [type.name]
                    case "processor-info.supported-architecture": return type.architectures
                    case "instance-storage-supported": return [String(type.instanceStorageGB != nil)]
                    case "hypervisor": return [type.hypervisor]
                    case "vcpu-info.default-vcpus": return [String(type.vCPUs)]
                    case "memory-info.size-in-mib": return [String(type.memoryMiB)]
                    default: return []
                    }
                }
        }
        let (types, nextToken) = try page.page(of: matching)
        return (types, nextToken)
    }
}

extension InstanceService {
    /// DescribeInstanceTypeOfferings: the types offered in the caller's region, or in each of
    /// its zones by name or id, as AWS offers them.
    package func describeInstanceTypeOfferings(
        _ caller: Caller,
        locationType: String?,
        filters: [Filter],
        page: PageRequest
    ) async throws -> (offerings: [InstanceTypeOffering], nextToken: String?) {
        _ = try await read(caller) { _ in () }
        let filterSet = try FilterSet(filters, supported: ["instance-type", "location"])
        let kind = locationType ?? "region"
        let zones = regions.region(caller.region)?.zones ?? []
        var offerings: [InstanceTypeOffering] = []
        for type in InstanceTypeCatalog.everyType.map(\.name) {
            switch kind {
            case "region":
                if InstanceTypeCatalog.isOffered(type, in: caller.region) {
                    offerings.append(InstanceTypeOffering(instanceType: type, location: caller.region.rawValue, locationType: kind))
                }
            case "availability-zone", "availability-zone-id":
                for zone in zones where InstanceTypeCatalog.isOffered(type, in: zone) {
                    offerings.append(
                        InstanceTypeOffering(instanceType: type, location: kind == "availability-zone" ? zone.name : zone.id, locationType: kind)
                    )
                }
            case "outpost": break
            default: throw CloudError.invalidParameterValue("Value (\(kind)) for parameter locationType is invalid.")
            }
        }
        let matching = offerings.filter { offering in
            filterSet.admits { name in name == "instance-type" ? [offering.instanceType] : [offering.location] }
        }
        let (items, nextToken) = try page.page(of: matching)
        return (items, nextToken)
    }
}
