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
