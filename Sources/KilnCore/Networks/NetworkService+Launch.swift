import Foundation

/// Launching into networks: the subnet, groups and addresses of each new instance, their
/// release at termination, and group changes on running instances.
extension NetworkService {
    /// Resolves where a launch of `count` instances goes: the subnet it names (or the default
    /// VPC's subnet in its zone), its groups (by id, by name in the default VPC, or the VPC's
    /// default group) and whether it gets public addresses. Checked without changing anything.
    package func resolveLaunchNetwork(_ caller: Caller, _ data: LaunchTemplateData, count: Int) async throws -> LaunchNetwork {
        let primary = try Self.primaryInterface(of: data)
        let privateIP = primary?.privateIPAddress ?? data.privateIPAddress
        if let privateIP {
            guard IPv4CIDR.parseAddress(privateIP) != nil else {
                throw CloudError.invalidParameterValue("Value (\(privateIP)) for parameter privateIpAddress is invalid. Not a valid IPv4 address.")
            }
            guard count == 1 else {
                throw CloudError.invalidParameterCombination("Cannot specify a private IP address when launching more than one instance.")
            }
        }
        try await ensureDefaultNetwork(caller)
        let subnetID = primary?.subnetID ?? data.subnetID
        let groupIDs = primary?.groups ?? data.securityGroupIDs ?? []
        let groupNames = data.securityGroupNames ?? []
        let zone = data.availabilityZone
        let (subnet, groups, vpcIsDefault) = try await read(caller) { transaction in
            let subnet = try launchSubnet(subnetID, zone: zone, caller: caller, in: transaction)
            let vpc = try transaction.ownedVpc(subnet.vpcID, caller: caller)
            var groups: [SecurityGroup] = []
            for id in groupIDs {
                let group = try transaction.ownedSecurityGroup(id, caller: caller)
                guard group.vpcID == vpc.id else { throw CloudError.groupAndSubnetInDifferentNetworks(group: id, subnet: subnet.id) }
                groups.append(group)
            }
            for name in groupNames {
                guard let group = try transaction.securityGroup(named: name, vpcID: vpc.id, caller: caller) else {
                    throw CloudError.securityGroupNameNotFound(name, vpcID: vpc.isDefault ? nil : vpc.id)
                }
                groups.append(group)
            }
            if groups.isEmpty { groups.append(try transaction.ownedSecurityGroup(vpc.defaultSecurityGroupID, caller: caller)) }
            return (subnet, groups, vpc.isDefault)
        }
        if !groupNames.isEmpty, !vpcIsDefault, subnetID != nil {
            throw CloudError.invalidParameterCombination("The parameter groupName cannot be used with the parameter subnet")
        }
        if let zone, zone != subnet.availabilityZone {
            throw CloudError.invalidParameterValue(
                "Value (\(zone)) for parameter availabilityZone is invalid. Subnet '\(subnet.id)' is in the availability zone \(subnet.availabilityZone)"
            )
        }
        guard subnet.availableAddressCount >= count else { throw CloudError.insufficientFreeAddresses(subnet.id) }
        var unique: [NetworkInterface.GroupMembership] = []
        for group in groups where !unique.contains(where: { $0.id == group.id }) {
            unique.append(NetworkInterface.GroupMembership(id: group.id, name: group.name))
        }
        return LaunchNetwork(
            vpcID: subnet.vpcID,
            subnetID: subnet.id,
            availabilityZone: subnet.availabilityZone,
            groups: unique,
            associatePublicIPAddress: primary?.associatePublicIPAddress ?? subnet.mapPublicIpOnLaunch,
            privateIPAddress: privateIP,
            deleteOnTermination: primary?.deleteOnTermination ?? true,
            description: primary?.description ?? ""
        )
    }

    /// The primary interface a launch asks for, checked against the launch's other network
    /// parameters as AWS checks it.
    static func primaryInterface(of data: LaunchTemplateData) throws -> LaunchNetworkInterface? {
        let interfaces = data.networkInterfaces ?? []
        guard !interfaces.isEmpty else { return nil }
        guard interfaces.count == 1, let primary = interfaces.first, (primary.deviceIndex ?? 0) == 0 else {
            throw CloudError("Unsupported", "Kiln makes only the primary network interface (DeviceIndex 0) of an instance.")
        }
        if primary.networkInterfaceID != nil {
            throw CloudError("Unsupported", "Kiln launches with new network interfaces only; NetworkInterfaceId is not supported.")
        }
        if data.subnetID != nil {
            throw CloudError.invalidParameterCombination(
                "Network interfaces and an instance-level subnet ID may not be specified on the same request"
            )
        }
        if !(data.securityGroupIDs ?? []).isEmpty || !(data.securityGroupNames ?? []).isEmpty {
            throw CloudError.invalidParameterCombination(
                "Network interfaces and an instance-level security groups may not be specified on the same request"
            )
        }
        return primary
    }

    /// The subnet a launch names, or the default VPC's subnet in `zone` (the first zone's when none).
    private func launchSubnet(_ id: String?, zone: String?, caller: Caller, in transaction: any MetadataTransaction) throws -> Subnet {
        if let id {
            guard id.hasPrefix("subnet-") else { throw CloudError.subnetNotFound(id) }
            return try transaction.ownedSubnet(id, caller: caller)
        }
        guard let vpc = try transaction.defaultVpc(caller: caller) else { throw CloudError.noDefaultVpc }
        let defaults = try transaction.fetchAll(Subnet.self, region: caller.region, owner: caller.account)
            .filter { $0.vpcID == vpc.id && $0.defaultForZone }
            .sorted { $0.availabilityZone < $1.availabilityZone }
        let chosen = zone.map { zone in defaults.first { $0.availabilityZone == zone } } ?? defaults.first
        guard let chosen else {
            throw CloudError.invalidParameterValue("No default subnet for availability zone: '\(zone ?? "\(caller.region)")'.")
        }
        return chosen
    }

    /// Gives an instance being recorded its primary interface: a private address from the
    /// subnet, a public one when the launch asks, and the groups. Runs in the launch's transaction.
    func attachPrimaryInterface(_ network: LaunchNetwork, to instance: inout Instance, now: Date, in transaction: any MetadataTransaction) throws {
        guard var subnet = try transaction.fetch(Subnet.self, id: network.subnetID) else { throw CloudError.subnetNotFound(network.subnetID) }
        for group in network.groups where try transaction.fetch(SecurityGroup.self, id: group.id) == nil {
            throw CloudError.securityGroupNotFound(group.id)
        }
        let privateIP = try subnet.allocate(network.privateIPAddress)
        try transaction.save(subnet)
        let interfaceID = ids.resourceID(.networkInterface)
        let publicIP =
            network.associatePublicIPAddress
            ? try allocatePublicAddress(for: interfaceID, owner: instance.owner, region: instance.region, in: transaction) : nil
        let attachment = NetworkInterface.Attachment(
            id: ids.resourceID(.networkInterfaceAttachment),
            instanceID: instance.id,
            deviceIndex: 0,
            attachTime: now,
            deleteOnTermination: network.deleteOnTermination
        )
        let interface = NetworkInterface(
            id: interfaceID,
            owner: instance.owner,
            region: instance.region,
            vpcID: network.vpcID,
            subnetID: subnet.id,
            availabilityZone: subnet.availabilityZone,
            privateIPAddress: privateIP,
            publicIPAddress: publicIP,
            macAddress: Self.macAddress(for: interfaceID),
            description: network.description,
            groups: network.groups,
            attachment: attachment
        )
        try transaction.save(interface)
        instance.privateIPAddress = privateIP
        instance.securityGroupIDs = network.groups.map(\.id)
        instance.network = InstanceNetwork(
            vpcID: network.vpcID,
            subnetID: subnet.id,
            networkInterfaceID: interfaceID,
            attachmentID: attachment.id,
            macAddress: interface.macAddress,
            publicIPAddress: publicIP,
            groups: network.groups,
            attachTime: now,
            deleteOnTermination: network.deleteOnTermination,
            sourceDestCheck: true
        )
    }

    /// Claims a free public address for an interface, starting from one its id picks.
    private func allocatePublicAddress(for interfaceID: String, owner: AccountID, region: RegionName, in transaction: any MetadataTransaction) throws
        -> String
    {
        let pool = PublicAddress.pool
        let usable = Int(pool.size) - 2
        let digest = Array(interfaceID.utf8).reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
        let start = Int(digest % UInt64(usable))
        for step in 0..<4096 {
            let address = pool.address(at: 1 + (start + step) % usable)
            let id = PublicAddress.id(address)
            if try transaction.fetch(PublicAddress.self, id: id) == nil {
                try transaction.save(PublicAddress(id: id, owner: owner, region: region, networkInterfaceID: interfaceID))
                return address
            }
        }
        throw CloudError("InsufficientAddressCapacity", "Kiln has no free public address left.", category: .server)
    }

    /// ModifyInstanceAttribute's `groupSet`: the instance's groups, all in its VPC, replace the ones it had.
    package func modifyInstanceGroups(_ caller: Caller, instanceID: String, groupIDs: [String]) async throws {
        guard !groupIDs.isEmpty else { throw CloudError.missingParameter("GroupId") }
        try await ensureDefaultNetwork(caller)
        try await write(caller) { transaction in
            var instance = try context.instances.ownedInstance(instanceID, caller: caller, in: transaction)
            guard var network = instance.network, var interface = try transaction.fetch(NetworkInterface.self, id: network.networkInterfaceID) else {
                throw CloudError("IncorrectInstanceState", "The instance '\(instanceID)' has no network interface.")
            }
            var groups: [NetworkInterface.GroupMembership] = []
            for id in groupIDs {
                let group = try transaction.ownedSecurityGroup(id, caller: caller)
                guard group.vpcID == network.vpcID else { throw CloudError.groupAndSubnetInDifferentNetworks(group: id, subnet: network.subnetID) }
                if !groups.contains(where: { $0.id == id }) { groups.append(.init(id: group.id, name: group.name)) }
            }
            network.groups = groups
            interface.groups = groups
            instance.network = network
            instance.securityGroupIDs = groups.map(\.id)
            try transaction.save(interface)
            try transaction.save(instance)
        }
    }
}
