import Foundation
import KilnCore
import KilnWire

extension EC2Front {
    static func registerGateways(in operations: inout OperationTable, cloud: Cloud) {
        operations.on(EC2.CreateInternetGateway.self) { input, caller in
            let tags = try tags(of: input.tagSpecifications, for: "internet-gateway")
            let gateway = try await cloud.networks.createInternetGateway(caller, tags: tags)
            return EC2.CreateInternetGatewayResult(internetGateway: wireGateway(gateway, tags: tags))
        }
        operations.on(EC2.AttachInternetGateway.self) { input, caller in
            try await cloud.networks.attachInternetGateway(caller, id: input.internetGatewayId, vpcID: input.vpcId)
            return EmptyOutput()
        }
        operations.on(EC2.DetachInternetGateway.self) { input, caller in
            try await cloud.networks.detachInternetGateway(caller, id: input.internetGatewayId, vpcID: input.vpcId)
            return EmptyOutput()
        }
        operations.on(EC2.DeleteInternetGateway.self) { input, caller in
            try await cloud.networks.deleteInternetGateway(caller, id: input.internetGatewayId)
            return EmptyOutput()
        }
        operations.on(EC2.DescribeInternetGateways.self) { input, caller in
            let page = try cloud.context.pageRequest(
                "DescribeInternetGateways",
                caller: caller,
                maxResults: input.maxResults,
                nextToken: input.nextToken,
                allowed: 5...1000,
                parameters: [String(describing: input.filters), String(describing: input.internetGatewayIds)]
            )
            let (items, nextToken) = try await cloud.networks.describeInternetGateways(
                caller,
                ids: input.internetGatewayIds,
                filters: filters(input.filters),
                page: page
            )
            return EC2.DescribeInternetGatewaysResult(internetGateways: items.map(wireGateway), nextToken: nextToken)
        }
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

    static func wireGateway(_ gateway: InternetGateway, tags: [Tag]) -> EC2.InternetGateway {
        EC2.InternetGateway(
            attachments: gateway.vpcID.map { [EC2.InternetGatewayAttachment(state: .init(rawValue: "available"), vpcId: $0)] } ?? [],
            internetGatewayId: gateway.id,
            ownerId: gateway.owner.rawValue,
            tags: wireTags(tags)
        )
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

    static func registerRouteTables(in operations: inout OperationTable, cloud: Cloud) {
        operations.on(EC2.CreateRouteTable.self) { input, caller in
            let tags = try tags(of: input.tagSpecifications, for: "route-table")
            let table = try await cloud.networks.createRouteTable(caller, vpcID: input.vpcId, tags: tags)
            return EC2.CreateRouteTableResult(clientToken: input.clientToken, routeTable: wireRouteTable(table, tags: tags))
        }
        operations.on(EC2.DeleteRouteTable.self) { input, caller in
            try await cloud.networks.deleteRouteTable(caller, id: input.routeTableId)
            return EmptyOutput()
        }
        operations.on(EC2.DescribeRouteTables.self) { input, caller in
            let page = try cloud.context.pageRequest(
                "DescribeRouteTables",
                caller: caller,
                maxResults: input.maxResults,
                nextToken: input.nextToken,
                allowed: 5...100,
                parameters: [String(describing: input.filters), String(describing: input.routeTableIds)]
            )
            let (items, nextToken) = try await cloud.networks.describeRouteTables(
                caller,
                ids: input.routeTableIds,
                filters: filters(input.filters),
                page: page
            )
            return EC2.DescribeRouteTablesResult(nextToken: nextToken, routeTables: items.map(wireRouteTable))
        }
        operations.on(EC2.AssociateRouteTable.self) { input, caller in
            if input.gatewayId != nil { throw CloudError("Unsupported", "Kiln associates route tables with subnets only.") }
            let id = try await cloud.networks.associateRouteTable(caller, id: input.routeTableId, subnetID: input.subnetId)
            return EC2.AssociateRouteTableResult(
                associationId: id,
                associationState: EC2.RouteTableAssociationState(state: .init(rawValue: "associated"))
            )
        }
        operations.on(EC2.DisassociateRouteTable.self) { input, caller in
            try await cloud.networks.disassociateRouteTable(caller, associationID: input.associationId)
            return EmptyOutput()
        }
        operations.on(EC2.CreateRoute.self) { input, caller in
            if input.destinationIpv6CidrBlock != nil || input.natGatewayId != nil || input.instanceId != nil || input.networkInterfaceId != nil
                || input.transitGatewayId != nil || input.vpcPeeringConnectionId != nil
            {
                throw CloudError("Unsupported", "Kiln's routes go from an IPv4 range to an internet gateway only.")
            }
            try await cloud.networks.createRoute(
                caller,
                routeTableID: input.routeTableId,
                destination: input.destinationCidrBlock,
                gatewayID: input.gatewayId
            )
            return EC2.CreateRouteResult(return: true)
        }
        operations.on(EC2.DeleteRoute.self) { input, caller in
            try await cloud.networks.deleteRoute(caller, routeTableID: input.routeTableId, destination: input.destinationCidrBlock)
            return EmptyOutput()
        }
    }

    static func wireRouteTable(_ table: RouteTable, tags: [Tag]) -> EC2.RouteTable {
        EC2.RouteTable(
            associations: table.associations.map { association in
                EC2.RouteTableAssociation(
                    associationState: EC2.RouteTableAssociationState(state: .init(rawValue: "associated")),
                    main: association.isMain,
                    routeTableAssociationId: association.id,
                    routeTableId: table.id,
                    subnetId: association.subnetID
                )
            },
            ownerId: table.owner.rawValue,
            propagatingVgws: [],
            routeTableId: table.id,
            routes: table.routes.map { route in
                EC2.Route(
                    destinationCidrBlock: route.destinationCIDR,
                    gatewayId: route.gatewayID,
                    origin: .init(rawValue: route.origin),
                    state: .init(rawValue: "active")
                )
            },
            tags: wireTags(tags) ?? [],
            vpcId: table.vpcID
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
}

extension EC2Front {
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
