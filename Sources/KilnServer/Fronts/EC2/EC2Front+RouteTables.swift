import Foundation
import KilnCore
import KilnWire

extension EC2Front {
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
}
