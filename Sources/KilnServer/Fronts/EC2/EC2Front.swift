import KilnCore
import KilnWire

/// EC2: the query front with every EC2 operation Kiln answers, grouped by concept in the
/// `EC2Front+…` files.
enum EC2Front {
    /// The EC2 front over `cloud`.
    static func make(cloud: Cloud) -> QueryFront {
        var operations = OperationTable()
        registerRegions(in: &operations, cloud: cloud)
        registerTags(in: &operations, cloud: cloud)
        registerVolumes(in: &operations, cloud: cloud)
        registerSnapshots(in: &operations, cloud: cloud)
        registerImages(in: &operations, cloud: cloud)
        registerImageLineage(in: &operations, cloud: cloud)
        registerImageCreation(in: &operations, cloud: cloud)
        registerImageCopies(in: &operations, cloud: cloud)
        registerInstances(in: &operations, cloud: cloud)
        registerInstanceAttributes(in: &operations, cloud: cloud)
        registerInstanceMetadata(in: &operations, cloud: cloud)
        registerKeyPairs(in: &operations, cloud: cloud)
        registerLaunchTemplates(in: &operations, cloud: cloud)
        registerNetworks(in: &operations, cloud: cloud)
        return QueryFront(
            signingName: EC2.signingName,
            dialect: .ec2,
            xmlNamespace: EC2.xmlNamespace,
            modeledErrors: EC2.modeledErrors,
            operations: operations
        )
    }

    /// The domain's filters from the wire's.
    static func filters(_ filters: [EC2.Filter]?) -> [Filter] {
        (filters ?? []).map { Filter(name: $0.name ?? "", values: $0.values ?? []) }
    }

    /// The domain's tags from the wire's.
    static func tags(_ tags: [EC2.Tag]?) -> [Tag] {
        (tags ?? []).map { Tag(key: $0.key ?? "", value: $0.value ?? "") }
    }

    /// The wire's tags from the domain's; `nil` for none, as EC2 omits an empty `tagSet`.
    static func wireTags(_ tags: [Tag]) -> [EC2.Tag]? {
        tags.isEmpty ? nil : tags.map { EC2.Tag(key: $0.key, value: $0.value) }
    }

    /// The tags of `specifications` meant for `resourceType`; any other type is refused, as EC2 does.
    static func tags(of specifications: [EC2.TagSpecification]?, for resourceType: String) throws -> [Tag] {
        var result: [Tag] = []
        for specification in specifications ?? [] {
            guard let type = specification.resourceType?.rawValue else { throw CloudError.missingParameter("TagSpecification.ResourceType") }
            guard type == resourceType else {
                throw CloudError.invalidParameterValue("'\(type)' is not a valid taggable resource type for this operation.")
            }
            result += tags(specification.tags)
        }
        return result
    }

    /// The domain's requested device from the wire's block device mapping.
    static func mapping(_ wire: EC2.BlockDeviceMapping) -> ImageRegistration.Mapping {
        ImageRegistration.Mapping(
            deviceName: wire.deviceName,
            virtualName: wire.virtualName,
            noDevice: wire.noDevice != nil,
            snapshotID: wire.ebs?.snapshotId,
            volumeSize: wire.ebs?.volumeSize,
            volumeType: wire.ebs?.volumeType?.rawValue,
            deleteOnTermination: wire.ebs?.deleteOnTermination,
            encrypted: wire.ebs?.encrypted,
            kmsKeyID: wire.ebs?.kmsKeyId,
            iops: wire.ebs?.iops,
            throughput: wire.ebs?.throughput
        )
    }

    /// The tags of `specifications` by resource type, keeping only the types in `allowed`.
    static func tagsByType(_ specifications: [EC2.TagSpecification]?, allowed: Set<String>) throws -> [String: [Tag]]? {
        guard let specifications, !specifications.isEmpty else { return nil }
        var result: [String: [Tag]] = [:]
        for specification in specifications {
            guard let type = specification.resourceType?.rawValue else { throw CloudError.missingParameter("TagSpecification.ResourceType") }
            guard allowed.contains(type) else {
                throw CloudError.invalidParameterValue("'\(type)' is not a valid taggable resource type for this operation.")
            }
            result[type, default: []] += tags(specification.tags)
        }
        return result
    }
}
