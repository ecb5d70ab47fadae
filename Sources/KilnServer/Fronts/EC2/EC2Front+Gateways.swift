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
    }

    static func wireGateway(_ gateway: InternetGateway, tags: [Tag]) -> EC2.InternetGateway {
        EC2.InternetGateway(
            attachments: gateway.vpcID.map { [EC2.InternetGatewayAttachment(state: .init(rawValue: "available"), vpcId: $0)] } ?? [],
            internetGatewayId: gateway.id,
            ownerId: gateway.owner.rawValue,
            tags: wireTags(tags)
        )
    }
}
