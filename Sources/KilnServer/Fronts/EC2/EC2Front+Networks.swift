import Foundation
import KilnCore
import KilnWire

extension EC2Front {
    static func registerNetworks(in operations: inout OperationTable, cloud: Cloud) {
        registerVpcs(in: &operations, cloud: cloud)
        registerSubnets(in: &operations, cloud: cloud)
        registerSecurityGroups(in: &operations, cloud: cloud)
        registerGateways(in: &operations, cloud: cloud)
        registerRouteTables(in: &operations, cloud: cloud)
        registerNetworkInterfaces(in: &operations, cloud: cloud)
    }

    /// `nil` for an empty parameter, which SDKs that copy a config send for one left unset.
    static func nonEmpty(_ value: String?) -> String? {
        value.flatMap { $0.isEmpty ? nil : $0 }
    }

    static func registerVpcs(in operations: inout OperationTable, cloud: Cloud) {
        operations.on(EC2.DescribeAccountAttributes.self) { input, caller in
            let attributes = try await cloud.networks.accountAttributes(caller, names: (input.attributeNames ?? []).map(\.rawValue))
            return EC2.DescribeAccountAttributesResult(
                accountAttributes: attributes.map { name, values in
                    EC2.AccountAttribute(attributeName: name, attributeValues: values.map { EC2.AccountAttributeValue(attributeValue: $0) })
                }
            )
        }
        operations.on(EC2.CreateVpc.self) { input, caller in
            let tags = try tags(of: input.tagSpecifications, for: "vpc")
            let vpc = try await cloud.networks.createVpc(caller, cidrBlock: input.cidrBlock, tenancy: input.instanceTenancy?.rawValue, tags: tags)
            return EC2.CreateVpcResult(vpc: wireVpc(vpc, tags: tags))
        }
        operations.on(EC2.DescribeVpcs.self) { input, caller in
            let page = try cloud.context.pageRequest(
                "DescribeVpcs",
                caller: caller,
                maxResults: input.maxResults,
                nextToken: input.nextToken,
                allowed: 5...1000,
                parameters: [String(describing: input.filters), String(describing: input.vpcIds)]
            )
            let (items, nextToken) = try await cloud.networks.describeVpcs(caller, ids: input.vpcIds, filters: filters(input.filters), page: page)
            return EC2.DescribeVpcsResult(nextToken: nextToken, vpcs: items.map(wireVpc))
        }
        operations.on(EC2.DeleteVpc.self) { input, caller in
            try await cloud.networks.deleteVpc(caller, id: input.vpcId)
            return EmptyOutput()
        }
        operations.on(EC2.DescribeVpcAttribute.self) { input, caller in
            let (attribute, value) = try await cloud.networks.vpcAttribute(caller, id: input.vpcId, attribute: input.attribute.rawValue)
            var result = EC2.DescribeVpcAttributeResult(vpcId: input.vpcId)
            switch attribute {
            case .enableDnsSupport: result.enableDnsSupport = EC2.AttributeBooleanValue(value: value)
            case .enableDnsHostnames: result.enableDnsHostnames = EC2.AttributeBooleanValue(value: value)
            case .enableNetworkAddressUsageMetrics: result.enableNetworkAddressUsageMetrics = EC2.AttributeBooleanValue(value: value)
            }
            return result
        }
        operations.on(EC2.ModifyVpcAttribute.self) { input, caller in
            try await cloud.networks.modifyVpcAttribute(
                caller,
                id: input.vpcId,
                dnsSupport: input.enableDnsSupport?.value,
                dnsHostnames: input.enableDnsHostnames?.value
            )
            return EmptyOutput()
        }
    }

    static func wireVpc(_ vpc: Vpc, tags: [Tag]) -> EC2.Vpc {
        EC2.Vpc(
            cidrBlock: vpc.cidr.description,
            cidrBlockAssociationSet: [
                EC2.VpcCidrBlockAssociation(
                    associationId: vpc.cidrAssociationID,
                    cidrBlock: vpc.cidr.description,
                    cidrBlockState: EC2.VpcCidrBlockState(state: .init(rawValue: "associated"))
                )
            ],
            dhcpOptionsId: vpc.dhcpOptionsID,
            instanceTenancy: .init(rawValue: vpc.instanceTenancy),
            isDefault: vpc.isDefault,
            ownerId: vpc.owner.rawValue,
            state: .init(rawValue: "available"),
            tags: wireTags(tags),
            vpcId: vpc.id
        )
    }

    static func registerSubnets(in operations: inout OperationTable, cloud: Cloud) {
        operations.on(EC2.CreateSubnet.self) { input, caller in
            if input.ipv6CidrBlock != nil || input.ipv6Native == true {
                throw CloudError("Unsupported", "Kiln's subnets are IPv4 only.")
            }
            let tags = try tags(of: input.tagSpecifications, for: "subnet")
            let subnet = try await cloud.networks.createSubnet(
                caller,
                vpcID: input.vpcId,
                cidrBlock: input.cidrBlock,
                zone: input.availabilityZone,
                zoneID: input.availabilityZoneId,
                tags: tags
            )
            return EC2.CreateSubnetResult(subnet: wireSubnet(subnet, tags: tags))
        }
        operations.on(EC2.DescribeSubnets.self) { input, caller in
            let page = try cloud.context.pageRequest(
                "DescribeSubnets",
                caller: caller,
                maxResults: input.maxResults,
                nextToken: input.nextToken,
                allowed: 5...1000,
                parameters: [String(describing: input.filters), String(describing: input.subnetIds)]
            )
            let (items, nextToken) = try await cloud.networks.describeSubnets(
                caller,
                ids: input.subnetIds,
                filters: filters(input.filters),
                page: page
            )
            return EC2.DescribeSubnetsResult(nextToken: nextToken, subnets: items.map(wireSubnet))
        }
        operations.on(EC2.DeleteSubnet.self) { input, caller in
            try await cloud.networks.deleteSubnet(caller, id: input.subnetId)
            return EmptyOutput()
        }
        operations.on(EC2.ModifySubnetAttribute.self) { input, caller in
            try await cloud.networks.modifySubnetAttribute(caller, id: input.subnetId, mapPublicIpOnLaunch: input.mapPublicIpOnLaunch?.value)
            return EmptyOutput()
        }
    }

    static func wireSubnet(_ subnet: Subnet, tags: [Tag]) -> EC2.Subnet {
        EC2.Subnet(
            assignIpv6AddressOnCreation: false,
            availabilityZone: subnet.availabilityZone,
            availabilityZoneId: subnet.availabilityZoneID,
            availableIpAddressCount: subnet.availableAddressCount,
            cidrBlock: subnet.cidr.description,
            defaultForAz: subnet.defaultForZone,
            enableDns64: false,
            ipv6CidrBlockAssociationSet: [],
            ipv6Native: false,
            mapCustomerOwnedIpOnLaunch: false,
            mapPublicIpOnLaunch: subnet.mapPublicIpOnLaunch,
            ownerId: subnet.owner.rawValue,
            privateDnsNameOptionsOnLaunch: EC2.PrivateDnsNameOptionsOnLaunch(
                enableResourceNameDnsAAAARecord: false,
                enableResourceNameDnsARecord: false,
                hostnameType: .init(rawValue: "ip-name")
            ),
            state: .init(rawValue: "available"),
            subnetArn: subnet.arn,
            subnetId: subnet.id,
            tags: wireTags(tags),
            vpcId: subnet.vpcID
        )
    }
}
