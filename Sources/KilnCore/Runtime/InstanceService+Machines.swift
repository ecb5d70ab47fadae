import Foundation

/// The reports of a runtime that drives instance states (see ``InstanceRuntime``): which
/// instances should have machines, and what became of those machines.
extension InstanceService {
    /// Every instance that is not terminated, in every enabled region, with whether its
    /// boot still waits for the scheduler.
    package func machineOrders() async throws -> [MachineOrder] {
        let regionNames = regions.enabled.map(\.name)
        return try await store.read { transaction in
            let waiting = Set(
                try transaction.transitions(dueBy: .distantFuture).filter { $0.kind == .instanceRunning }.map(\.resourceID)
            )
            return try regionNames.flatMap { region in
                let instances = try transaction.fetchAll(Instance.self, region: region, owner: nil).filter { $0.state != .terminated }
                guard !instances.isEmpty else { return [MachineOrder]() }
                let groups = Dictionary(
                    try transaction.fetchAll(SecurityGroup.self, region: region, owner: nil).map { ($0.id, $0) },
                    uniquingKeysWith: { first, _ in first }
                )
                return try instances.map { instance in
                    MachineOrder(
                        instance: instance,
                        awaitingAdmission: waiting.contains(instance.id),
                        network: try machineNetwork(of: instance, groups: groups, in: transaction)
                    )
                }
            }
        }
    }

    /// The network an instance's machine gets, from its subnet, VPC and security groups.
    private func machineNetwork(of instance: Instance, groups: [String: SecurityGroup], in transaction: any MetadataTransaction) throws
        -> MachineNetwork?
    {
        guard let network = instance.network, let subnet = try transaction.fetch(Subnet.self, id: network.subnetID),
            let vpc = try transaction.fetch(Vpc.self, id: network.vpcID)
        else { return nil }
        return MachineNetwork(
            privateAddress: instance.privateIPAddress,
            macAddress: network.macAddress,
            router: subnet.cidr.address(at: 1),
            dns: vpc.cidr.address(at: 2),
            publicAddress: network.publicIPAddress,
            openPorts: MachineNetwork.openPorts(of: network.groups.compactMap { groups[$0.id] })
        )
    }

    /// Records what the status checks of a running instance's machine say, when that changed,
    /// so that the other nodes of a cluster answer DescribeInstanceStatus with it.
    package func recordMachineHealth(_ id: String, _ health: InstanceHealth) async throws {
        try await store.write { transaction in
            guard var instance = try transaction.fetch(Instance.self, id: id), instance.state == .running, instance.machineHealth != health
            else { return }
            instance.machineHealth = health
            try transaction.save(instance)
        }
    }

    /// A machine booted for the instance: `pending` becomes `running`; a `running` instance
    /// recovered after a restart of Kiln counts a new boot.
    package func machineBooted(_ id: String) async throws {
        let now = clock.now
        try await store.write { transaction in
            guard var instance = try transaction.fetch(Instance.self, id: id), [.pending, .running].contains(instance.state) else { return }
            if instance.state == .pending { instance.launchTime = now }
            instance.state = .running
            instance.bootCount += 1
            instance.machineHealth = nil
            try transaction.save(instance)
        }
    }

    /// The instance's machine ended. A requested end completes a stop or a termination; a
    /// guest's power-off stops the instance, or terminates it when its
    /// InstanceInitiatedShutdownBehavior says so; a failure stops it with the reason.
    package func machineEnded(_ id: String, cause: MachineEnd) async throws {
        let now = clock.now
        let reason = "User initiated (\(now.iso8601Text.prefix(19).replacingOccurrences(of: "T", with: " ")) GMT)"
        try await store.write { transaction in
            guard var instance = try transaction.fetch(Instance.self, id: id) else { return }
            switch (instance.state, cause) {
            case (.stopping, _):
                instance.state = .stopped
            case (.shuttingDown, _):
                finishTermination(&instance, at: now)
            case (.pending, .guestShutdown), (.running, .guestShutdown):
                instance.stateReason = Instance.StateReason(
                    code: "Client.InstanceInitiatedShutdown",
                    message: "Client.InstanceInitiatedShutdown: Instance initiated shutdown"
                )
                instance.stateTransitionReason = reason
                if instance.shutdownBehavior == .terminate || !instance.isEBSBacked {
                    try releaseVolumes(of: instance, in: transaction)
                    finishTermination(&instance, at: now)
                } else {
                    instance.state = .stopped
                }
            case (.pending, .failed(let message)), (.running, .failed(let message)):
                instance.stateReason = Instance.StateReason(code: "Server.InternalError", message: "Server.InternalError: \(message)")
                instance.stateTransitionReason = "Server.InternalError"
                if instance.isEBSBacked {
                    instance.state = .stopped
                } else {
                    try releaseVolumes(of: instance, in: transaction)
                    finishTermination(&instance, at: now)
                }
            default:
                return
            }
            try transaction.save(instance)
        }
    }

    /// The end of a termination: the instance keeps no device.
    private func finishTermination(_ instance: inout Instance, at now: Date) {
        instance.state = .terminated
        instance.terminatedAt = now
        instance.devices = []
        instance.ephemeralRootVolumeID = nil
    }
}
