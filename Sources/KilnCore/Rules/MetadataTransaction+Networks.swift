/// The network lookups and releases several services use inside a transaction.
extension MetadataTransaction {
    /// Throws AWS's `.Malformed` error when `id` is not a well-formed id of `kind`.
    func requireWellFormed(_ id: String, _ kind: ResourcePrefix) throws {
        if !kind.matches(id), let malformed = CloudError.malformedNetworkID(id, kind: kind) { throw malformed }
    }

    /// A VPC the caller owns in its region; `InvalidVpcID.Malformed` or `InvalidVpcID.NotFound` otherwise.
    func ownedVpc(_ id: String, caller: Caller) throws -> Vpc {
        try requireWellFormed(id, .vpc)
        guard let vpc = try fetch(Vpc.self, id: id), vpc.owner == caller.account, vpc.region == caller.region else {
            throw CloudError.vpcNotFound(id)
        }
        return vpc
    }

    /// A subnet the caller owns in its region; `InvalidSubnetID.Malformed` or `InvalidSubnetID.NotFound` otherwise.
    func ownedSubnet(_ id: String, caller: Caller) throws -> Subnet {
        try requireWellFormed(id, .subnet)
        guard let subnet = try fetch(Subnet.self, id: id), subnet.owner == caller.account, subnet.region == caller.region else {
            throw CloudError.subnetNotFound(id)
        }
        return subnet
    }

    /// A security group the caller owns in its region; `InvalidGroupId.Malformed` or `InvalidGroup.NotFound` otherwise.
    func ownedSecurityGroup(_ id: String, caller: Caller) throws -> SecurityGroup {
        try requireWellFormed(id, .securityGroup)
        guard let group = try fetch(SecurityGroup.self, id: id), group.owner == caller.account, group.region == caller.region else {
            throw CloudError.securityGroupNotFound(id)
        }
        return group
    }

    /// The caller's group named `name` in `vpcID`.
    func securityGroup(named name: String, vpcID: String, caller: Caller) throws -> SecurityGroup? {
        try fetchAll(SecurityGroup.self, region: caller.region, owner: caller.account).first { $0.vpcID == vpcID && $0.name == name }
    }

    /// The caller's default VPC in its region, if it has one.
    func defaultVpc(caller: Caller) throws -> Vpc? {
        let defaults = try fetch(NetworkDefaults.self, id: NetworkDefaults.id(account: caller.account, region: caller.region))
        return try defaults?.vpcID.flatMap { try fetch(Vpc.self, id: $0) }
    }

    /// Deletes a network interface: its private address goes back to its subnet and its
    /// public address to the pool.
    func remove(_ interface: NetworkInterface) throws {
        if var subnet = try fetch(Subnet.self, id: interface.subnetID) {
            subnet.release(interface.privateIPAddress)
            try save(subnet)
        }
        if let address = interface.publicIPAddress {
            try delete(PublicAddress.self, id: PublicAddress.id(address))
        }
        try delete(NetworkInterface.self, id: interface.id)
    }

    /// Releases the network of a terminated instance: its interfaces that end with it.
    func releaseNetwork(of instance: Instance) throws {
        guard let interfaceID = instance.network?.networkInterfaceID,
            let interface = try fetch(NetworkInterface.self, id: interfaceID)
        else { return }
        try remove(interface)
    }
}
