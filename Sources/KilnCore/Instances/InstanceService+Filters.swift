/// The DescribeInstances filters on what Kiln's instances hold with AWS's defaults: the
/// filters EC2's model documents beyond those of ``InstanceService/instanceFilterValues(_:instance:tags:)``.
extension InstanceService {
    /// An instance's values for the filters on its options, profile, placement and primary
    /// interface; `nil` for other names. Options Kiln does not offer have AWS's default value,
    /// and features it does not offer (hosts, capacity reservations, spot, outposts) none.
    static func optionFilterValues(_ name: String, instance: Instance) -> [String]? {
        switch name {
        case "current-instance-boot-mode":
            return [instance.bootMode?.hasPrefix("uefi") == true || instance.architecture == "arm64" ? "uefi" : "legacy-bios"]
        case "ebs-optimized": return [String(instance.ebsOptimized)]
        case "ena-support": return instance.enaSupport.map { [String($0)] } ?? []
        case "iam-instance-profile.arn": return instance.iamInstanceProfile.map { [$0.arn] } ?? []
        case "iam-instance-profile.id": return instance.iamInstanceProfile.map { [$0.id] } ?? []
        case "monitoring-state": return ["disabled"]
        case "tenancy": return ["default"]
        case "source-dest-check", "network-interface.addresses.primary": return instance.network == nil ? [] : ["true"]
        case "reason": return instance.stateTransitionReason.isEmpty ? [] : [instance.stateTransitionReason]
        case "usage-operation-update-time": return [instance.launchTime.iso8601Text]
        case "hibernation-options.configured", "enclave-options.enabled", "operator.managed": return ["false"]
        case "maintenance-options.auto-recovery": return ["default"]
        case "capacity-reservation-specification.capacity-reservation-preference": return ["open"]
        case "network-performance-options.bandwidth-weighting": return ["default"]
        case "private-dns-name-options.hostname-type": return ["ip-name"]
        case "private-dns-name-options.enable-resource-name-dns-a-record", "private-dns-name-options.enable-resource-name-dns-aaaa-record":
            return ["false"]
        default: return metadataFilterValues(name, instance: instance) ?? interfaceFilterValues(name, instance: instance)
        }
    }

    /// The `metadata-options.*` filters: the options in force.
    private static func metadataFilterValues(_ name: String, instance: Instance) -> [String]? {
        let options = instance.metadataOptionsInForce
        switch name {
        case "metadata-options.http-endpoint": return [options.httpEndpoint]
        case "metadata-options.http-protocol-ipv4": return ["enabled"]
        case "metadata-options.http-protocol-ipv6": return [options.httpProtocolIPv6]
        case "metadata-options.instance-metadata-tags": return [options.instanceMetadataTags]
        case "metadata-options.http-put-response-hop-limit": return [String(options.httpPutResponseHopLimit)]
        case "metadata-options.http-tokens": return [options.httpTokens]
        case "metadata-options.state": return ["applied"]
        default: return nil
        }
    }

    /// The primary interface's filters that ``NetworkService/instanceFilterValues(_:instance:)`` leaves.
    private static func interfaceFilterValues(_ name: String, instance: Instance) -> [String]? {
        guard name.hasPrefix("network-interface.") else { return nil }
        guard let network = instance.network, instance.state != .terminated else { return [] }
        switch name {
        case "network-interface.availability-zone": return [instance.availabilityZone]
        case "network-interface.owner-id", "network-interface.attachment.instance-owner-id": return [instance.owner.rawValue]
        case "network-interface.private-ip-address": return [instance.privateIPAddress]
        case "network-interface.addresses.private-dns-name": return [instance.privateDNSName]
        case "network-interface.attachment.attach-time": return [instance.launchTime.iso8601Text]
        case "network-interface.attachment.delete-on-termination", "network-interface.ipv6-native", "network-interface.requester-managed",
            "network-interface.operator.managed", "network-interface.deny-all-igw-traffic":
            return name == "network-interface.attachment.delete-on-termination" ? ["true"] : ["false"]
        case "network-interface.attachment.network-card-index": return ["0"]
        case "network-interface.public-dns-name", "network-interface.association.public-dns-name",
            "network-interface.addresses.association.public-dns-name":
            return network.publicDNSName(region: instance.region).map { [$0] } ?? []
        case "network-interface.association.ip-owner-id", "network-interface.addresses.association.ip-owner-id":
            return network.publicIPAddress == nil ? [] : ["amazon"]
        default: return []
        }
    }
}
