/// The errors of VPCs, subnets, security groups, gateways, route tables and network
/// interfaces, with AWS's codes and messages.
extension CloudError {
    package static func vpcNotFound(_ id: String) -> CloudError {
        CloudError("InvalidVpcID.NotFound", "The vpc ID '\(id)' does not exist")
    }

    package static func subnetNotFound(_ id: String) -> CloudError {
        CloudError("InvalidSubnetID.NotFound", "The subnet ID '\(id)' does not exist")
    }

    package static func securityGroupNotFound(_ id: String) -> CloudError {
        CloudError("InvalidGroup.NotFound", "The security group '\(id)' does not exist")
    }

    package static func securityGroupNameNotFound(_ name: String, vpcID: String?) -> CloudError {
        if let vpcID {
            return CloudError("InvalidGroup.NotFound", "The security group '\(name)' does not exist in VPC '\(vpcID)'")
        }
        return CloudError("InvalidGroup.NotFound", "The security group '\(name)' does not exist in default VPC")
    }

    /// The `.Malformed` error AWS answers for an id of a network resource that is not well-formed.
    package static func malformedNetworkID(_ id: String, kind: ResourcePrefix) -> CloudError? {
        let code: String
        switch kind {
        case .vpc: code = "InvalidVpcID.Malformed"
        case .subnet: code = "InvalidSubnetID.Malformed"
        case .securityGroup: return malformedGroupID(id)
        case .routeTable: code = "InvalidRouteTableId.Malformed"
        case .internetGateway: code = "InvalidInternetGatewayId.Malformed"
        case .networkInterface: code = "InvalidNetworkInterfaceId.Malformed"
        default: return nil
        }
        return CloudError(code, "Invalid id: \"\(id)\" (expecting \"\(kind.rawValue)-...\")")
    }

    package static func malformedGroupID(_ id: String) -> CloudError {
        CloudError("InvalidGroupId.Malformed", "Invalid id: \"\(id)\" (expecting \"sg-...\")")
    }

    package static func duplicateSecurityGroup(_ name: String, vpcID: String) -> CloudError {
        CloudError("InvalidGroup.Duplicate", "The security group '\(name)' already exists for VPC '\(vpcID)'")
    }

    package static func reservedGroupName(_ name: String) -> CloudError {
        CloudError.invalidParameterValue("Value (\(name)) for parameter GroupName is invalid. Group names may not be in the format sg-*.")
    }

    package static func duplicatePermission(_ rule: SecurityGroupRule) -> CloudError {
        CloudError("InvalidPermission.Duplicate", "the specified rule \"\(rule.quoted)\" already exists")
    }

    package static let permissionNotFound = CloudError(
        "InvalidPermission.NotFound",
        "The specified rule does not exist in this security group."
    )

    package static func malformedPermission(_ message: String) -> CloudError {
        CloudError("InvalidPermission.Malformed", message)
    }

    package static func securityGroupRuleNotFound(_ id: String) -> CloudError {
        CloudError("InvalidSecurityGroupRuleId.NotFound", "The security group rule ID '\(id)' does not exist")
    }

    package static func cannotDeleteDefaultGroup(_ group: SecurityGroup) -> CloudError {
        CloudError("CannotDelete", "the specified group: \"\(group.id)\" name: \"\(group.name)\" cannot be deleted by a user")
    }

    package static func dependencyViolation(_ message: String) -> CloudError {
        CloudError("DependencyViolation", message)
    }

    package static func invalidVpcRange(_ cidr: String) -> CloudError {
        CloudError("InvalidVpc.Range", "The CIDR '\(cidr)' is invalid.")
    }

    package static func invalidSubnetRange(_ cidr: String) -> CloudError {
        CloudError("InvalidSubnet.Range", "The CIDR '\(cidr)' is invalid.")
    }

    package static func subnetConflict(_ cidr: String) -> CloudError {
        CloudError("InvalidSubnet.Conflict", "The CIDR '\(cidr)' conflicts with another subnet")
    }

    package static func malformedCIDR(_ cidr: String) -> CloudError {
        CloudError.invalidParameterValue("Value (\(cidr)) for parameter cidrBlock is invalid. This is not a valid CIDR block.")
    }

    package static func insufficientFreeAddresses(_ subnetID: String) -> CloudError {
        CloudError(
            "InsufficientFreeAddressesInSubnet",
            "There are not enough free addresses in subnet '\(subnetID)' to satisfy the requested number of instances."
        )
    }

    package static func addressOutsideSubnet(_ address: String, subnetID: String) -> CloudError {
        CloudError("InvalidParameterValue", "Address \(address) does not fall within the subnet's address range of subnet '\(subnetID)'")
    }

    package static func addressInUse(_ address: String) -> CloudError {
        CloudError("InvalidIPAddress.InUse", "Address \(address) is in use.")
    }

    package static func groupAndSubnetInDifferentNetworks(group: String, subnet: String) -> CloudError {
        CloudError("InvalidParameter", "Security group \(group) and subnet \(subnet) belong to different networks.")
    }

    package static let noDefaultVpc = CloudError("VPCIdNotSpecified", "No default VPC for this user")

    package static func internetGatewayNotFound(_ id: String) -> CloudError {
        CloudError("InvalidInternetGatewayID.NotFound", "The internetGateway ID '\(id)' does not exist")
    }

    package static func gatewayAlreadyAttached(_ id: String, vpcID: String) -> CloudError {
        CloudError("Resource.AlreadyAssociated", "resource \(id) is already attached to network \(vpcID)")
    }

    package static func gatewayNotAttached(_ id: String, vpcID: String) -> CloudError {
        CloudError("Gateway.NotAttached", "resource \(id) is not attached to network \(vpcID)")
    }

    package static func routeTableNotFound(_ id: String) -> CloudError {
        CloudError("InvalidRouteTableID.NotFound", "The routeTable ID '\(id)' does not exist")
    }

    package static func routeAlreadyExists(_ destination: String) -> CloudError {
        CloudError("RouteAlreadyExists", "The route identified by \(destination) already exists.")
    }

    package static func routeNotFound(_ destination: String, routeTableID: String) -> CloudError {
        CloudError("InvalidRoute.NotFound", "no route with destination-cidr-block \(destination) in route table \(routeTableID)")
    }

    package static func associationNotFound(_ id: String) -> CloudError {
        CloudError("InvalidAssociationID.NotFound", "The association ID '\(id)' does not exist")
    }

    package static func networkInterfaceNotFound(_ id: String) -> CloudError {
        CloudError("InvalidNetworkInterfaceID.NotFound", "The networkInterface ID '\(id)' does not exist")
    }
}
