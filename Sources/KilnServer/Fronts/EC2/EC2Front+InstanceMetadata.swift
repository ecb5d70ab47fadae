import KilnCore
import KilnWire

/// ModifyInstanceMetadataOptions, and the metadata options of RunInstances, launch templates
/// and DescribeInstances.
extension EC2Front {
    static func registerInstanceMetadata(in operations: inout OperationTable, cloud: Cloud) {
        operations.on(EC2.ModifyInstanceMetadataOptions.self) { input, caller in
            let change = InstanceMetadataOptionsChange(
                httpTokens: input.httpTokens?.rawValue,
                httpPutResponseHopLimit: input.httpPutResponseHopLimit,
                httpEndpoint: input.httpEndpoint?.rawValue,
                httpProtocolIPv6: input.httpProtocolIpv6?.rawValue,
                instanceMetadataTags: input.instanceMetadataTags?.rawValue
            )
            let options = try await cloud.instances.modifyInstanceMetadataOptions(caller, id: input.instanceId, change: change)
            var wire = wireMetadataOptions(options)
            wire.state = .init(rawValue: "pending")
            return EC2.ModifyInstanceMetadataOptionsResult(instanceId: input.instanceId, instanceMetadataOptions: wire)
        }
    }

    /// The metadata options a RunInstances call names.
    static func metadataChange(_ wire: EC2.InstanceMetadataOptionsRequest?) -> InstanceMetadataOptionsChange? {
        wire.map {
            InstanceMetadataOptionsChange(
                httpTokens: $0.httpTokens?.rawValue,
                httpPutResponseHopLimit: $0.httpPutResponseHopLimit,
                httpEndpoint: $0.httpEndpoint?.rawValue,
                httpProtocolIPv6: $0.httpProtocolIpv6?.rawValue,
                instanceMetadataTags: $0.instanceMetadataTags?.rawValue
            )
        }
    }

    /// The metadata options a launch template version names.
    static func metadataChange(_ wire: EC2.LaunchTemplateInstanceMetadataOptionsRequest?) -> InstanceMetadataOptionsChange? {
        wire.map {
            InstanceMetadataOptionsChange(
                httpTokens: $0.httpTokens?.rawValue,
                httpPutResponseHopLimit: $0.httpPutResponseHopLimit,
                httpEndpoint: $0.httpEndpoint?.rawValue,
                httpProtocolIPv6: $0.httpProtocolIpv6?.rawValue,
                instanceMetadataTags: $0.instanceMetadataTags?.rawValue
            )
        }
    }

    /// An instance's metadata options as DescribeInstances shows them.
    static func wireMetadataOptions(_ options: InstanceMetadataOptions) -> EC2.InstanceMetadataOptionsResponse {
        EC2.InstanceMetadataOptionsResponse(
            httpEndpoint: .init(rawValue: options.httpEndpoint),
            httpProtocolIpv6: .init(rawValue: options.httpProtocolIPv6),
            httpPutResponseHopLimit: options.httpPutResponseHopLimit,
            httpTokens: .init(rawValue: options.httpTokens),
            instanceMetadataTags: .init(rawValue: options.instanceMetadataTags),
            state: .init(rawValue: "applied")
        )
    }

    /// A launch template version's metadata options as its data shows them.
    static func wireTemplateMetadataOptions(_ change: InstanceMetadataOptionsChange) -> EC2.LaunchTemplateInstanceMetadataOptions {
        EC2.LaunchTemplateInstanceMetadataOptions(
            httpEndpoint: change.httpEndpoint.map { .init(rawValue: $0) },
            httpProtocolIpv6: change.httpProtocolIPv6.map { .init(rawValue: $0) },
            httpPutResponseHopLimit: change.httpPutResponseHopLimit,
            httpTokens: change.httpTokens.map { .init(rawValue: $0) },
            instanceMetadataTags: change.instanceMetadataTags.map { .init(rawValue: $0) },
            state: .init(rawValue: "applied")
        )
    }
}
