import Foundation
import KilnCore
import KilnWire

extension EC2Front {
    static func registerNetworkInterfaces(in operations: inout OperationTable, cloud: Cloud) {
        operations.on(EC2.DescribeNetworkInterfaces.self) { input, caller in
            let page = try cloud.context.pageRequest(
                "DescribeNetworkInterfaces",
                caller: caller,
                maxResults: input.maxResults,
                nextToken: input.nextToken,
                allowed: 5...1000,
                parameters: [String(describing: input.filters), String(describing: input.networkInterfaceIds)]
            )
            let (items, nextToken) = try await cloud.networks.describeNetworkInterfaces(
                caller,
                ids: input.networkInterfaceIds,
                filters: filters(input.filters),
                page: page
            )
            return EC2.DescribeNetworkInterfacesResult(networkInterfaces: items.map(wireInterface), nextToken: nextToken)
        }
    }

    static func wireInterface(_ interface: NetworkInterface, tags: [Tag]) -> EC2.NetworkInterface {
        let association = interface.publicIPAddress.map {
            EC2.NetworkInterfaceAssociation(ipOwnerId: "amazon", publicDnsName: interface.publicDNSName, publicIp: $0)
        }
        return EC2.NetworkInterface(
            association: association,
            attachment: interface.attachment.map { attachment in
                EC2.NetworkInterfaceAttachment(
                    attachTime: attachment.attachTime,
                    attachmentId: attachment.id,
                    deleteOnTermination: attachment.deleteOnTermination,
                    deviceIndex: attachment.deviceIndex,
                    instanceId: attachment.instanceID,
                    instanceOwnerId: interface.owner.rawValue,
                    networkCardIndex: 0,
                    status: .init(rawValue: "attached")
                )
            },
            availabilityZone: interface.availabilityZone,
            description: interface.description,
            groups: interface.groups.map { EC2.GroupIdentifier(groupId: $0.id, groupName: $0.name) },
            interfaceType: .init(rawValue: "interface"),
            ipv6Addresses: [],
            macAddress: interface.macAddress,
            networkInterfaceId: interface.id,
            ownerId: interface.owner.rawValue,
            privateDnsName: interface.privateDNSName,
            privateIpAddress: interface.privateIPAddress,
            privateIpAddresses: [
                EC2.NetworkInterfacePrivateIpAddress(
                    association: association,
                    primary: true,
                    privateDnsName: interface.privateDNSName,
                    privateIpAddress: interface.privateIPAddress
                )
            ],
            requesterManaged: false,
            sourceDestCheck: true,
            status: .init(rawValue: interface.attachment == nil ? "available" : "in-use"),
            subnetId: interface.subnetID,
            tagSet: wireTags(tags) ?? [],
            vpcId: interface.vpcID
        )
    }

    /// Adds an instance's network to its wire form: VPC, subnet, groups with names, addresses
    /// and the primary interface.
    static func applyNetwork(of instance: Instance, to wire: inout EC2.Instance) {
        guard let network = instance.network, instance.state != .terminated else { return }
        let publicDNS = network.publicDNSName(region: instance.region)
        wire.vpcId = network.vpcID
        wire.subnetId = network.subnetID
        wire.publicIpAddress = network.publicIPAddress
        wire.publicDnsName = publicDNS ?? ""
        wire.sourceDestCheck = network.sourceDestCheck
        let groups = network.groups.map { EC2.GroupIdentifier(groupId: $0.id, groupName: $0.name) }
        wire.securityGroups = groups
        let association = network.publicIPAddress.map {
            EC2.InstanceNetworkInterfaceAssociation(ipOwnerId: "amazon", publicDnsName: publicDNS, publicIp: $0)
        }
        wire.networkInterfaces = [
            EC2.InstanceNetworkInterface(
                association: association,
                attachment: EC2.InstanceNetworkInterfaceAttachment(
                    attachTime: network.attachTime,
                    attachmentId: network.attachmentID,
                    deleteOnTermination: network.deleteOnTermination,
                    deviceIndex: 0,
                    networkCardIndex: 0,
                    status: .init(rawValue: "attached")
                ),
                description: "",
                groups: groups,
                interfaceType: "interface",
                ipv6Addresses: [],
                macAddress: network.macAddress,
                networkInterfaceId: network.networkInterfaceID,
                ownerId: instance.owner.rawValue,
                privateDnsName: instance.privateDNSName,
                privateIpAddress: instance.privateIPAddress,
                privateIpAddresses: [
                    EC2.InstancePrivateIpAddress(
                        association: association,
                        primary: true,
                        privateDnsName: instance.privateDNSName,
                        privateIpAddress: instance.privateIPAddress
                    )
                ],
                sourceDestCheck: network.sourceDestCheck,
                status: .init(rawValue: "in-use"),
                subnetId: network.subnetID,
                vpcId: network.vpcID
            )
        ]
    }

    /// The domain's requested interface from RunInstances' wire form.
    static func launchInterface(_ wire: EC2.InstanceNetworkInterfaceSpecification) -> LaunchNetworkInterface {
        LaunchNetworkInterface(
            deviceIndex: wire.deviceIndex,
            subnetID: wire.subnetId,
            groups: wire.groups,
            associatePublicIPAddress: wire.associatePublicIpAddress,
            privateIPAddress: wire.privateIpAddress ?? wire.privateIpAddresses?.first(where: { $0.primary == true })?.privateIpAddress,
            deleteOnTermination: wire.deleteOnTermination,
            description: wire.description,
            networkInterfaceID: wire.networkInterfaceId
        )
    }
}
