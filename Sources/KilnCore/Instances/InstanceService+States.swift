import Foundation

/// One instance's state before and after a Start, Stop or Terminate call.
package struct InstanceStateChange: Sendable {
    package var instanceID: String
    package var previous: Instance.State
    package var current: Instance.State
}

/// StopInstances, StartInstances, RebootInstances and TerminateInstances.
extension InstanceService {
    /// The instances a state call names, all owned by the caller, or the first error.
    private func namedInstances(_ ids: [String], caller: Caller, in transaction: any MetadataTransaction) throws -> [Instance] {
        guard !ids.isEmpty else { throw CloudError.missingParameter("InstanceId") }
        for id in ids where !ResourcePrefix.instance.matches(id) { throw CloudError.malformedInstanceID(id) }
        var found: [Instance] = []
        var missing: [String] = []
        for id in ids {
            if let instance = try? ownedInstance(id, caller: caller, in: transaction) { found.append(instance) } else { missing.append(id) }
        }
        if !missing.isEmpty { throw CloudError.instanceNotFound(missing) }
        return found
    }

    /// EC2's wording of a user-initiated change.
    private func userInitiated() -> String {
        "User initiated (\(clock.now.iso8601Text.prefix(19).replacingOccurrences(of: "T", with: " ")) GMT)"
    }

    /// StopInstances: EBS-backed instances go `stopping` → `stopped`; their volumes stay.
    /// A machine gets the ACPI power button, and is switched off at once with `force`.
    package func stopInstances(_ caller: Caller, ids: [String], force: Bool = false) async throws -> [InstanceStateChange] {
        let scheduler = self.scheduler
        let reason = userInitiated()
        let changes = try await write(caller) { transaction in
            let instances = try namedInstances(ids, caller: caller, in: transaction)
            for instance in instances {
                guard instance.isEBSBacked else {
                    throw CloudError.instanceStoreInstanceCannotStop(instance.id)
                }
                guard [.pending, .running, .stopping, .stopped].contains(instance.state) else {
                    throw CloudError.instanceCannotBeStopped(instance.id)
                }
                if instance.disableApiStop {
                    throw CloudError.instanceStopDisabled(instance.id)
                }
            }
            return try instances.map { instance in
                var changed = instance
                if instance.state == .stopping, force, instance.stopForced != true {
                    changed.stopForced = true
                    try transaction.save(changed)
                }
                if instance.state == .pending || instance.state == .running {
                    changed.state = .stopping
                    changed.stopForced = force ? true : nil
                    changed.stateTransitionReason = reason
                    changed.stateReason = Instance.StateReason(
                        code: "Client.UserInitiatedShutdown",
                        message: "Client.UserInitiatedShutdown: User initiated shutdown"
                    )
                    try transaction.save(changed)
                    try scheduler.schedule(.instanceStopped, resourceID: instance.id, in: transaction)
                }
                return InstanceStateChange(instanceID: instance.id, previous: instance.state, current: changed.state)
            }
        }
        await context.runtime.instancesChanged(RuntimeChange(.stop(force: force), instanceIDs: changes.map(\.instanceID)))
        return changes
    }

    /// StartInstances: stopped instances go `pending` → `running`.
    package func startInstances(_ caller: Caller, ids: [String]) async throws -> [InstanceStateChange] {
        let scheduler = self.scheduler
        if !caller.dryRun {
            let stopped = try await read(caller) { transaction in
                try ids.compactMap { try transaction.fetch(Instance.self, id: $0) }.filter { $0.state == .stopped && $0.owner == caller.account }
            }
            for (type, group) in Dictionary(grouping: stopped, by: \.instanceType) {
                try await context.runtime.admit(instanceType: type, count: group.count)
            }
        }
        let changes = try await write(caller) { transaction in
            let instances = try namedInstances(ids, caller: caller, in: transaction)
            for instance in instances {
                guard instance.isEBSBacked else {
                    throw CloudError.instanceStoreInstanceCannotStart(instance.id)
                }
                guard [.pending, .running, .stopped].contains(instance.state) else {
                    throw CloudError.instanceCannotBeStarted(instance.id)
                }
            }
            return try instances.map { instance in
                var changed = instance
                if instance.state == .stopped {
                    changed.state = .pending
                    changed.stateReason = nil
                    changed.stateTransitionReason = ""
                    changed.launchTime = clock.now
                    try transaction.save(changed)
                    try scheduler.schedule(.instanceRunning, resourceID: instance.id, in: transaction)
                }
                return InstanceStateChange(instanceID: instance.id, previous: instance.state, current: changed.state)
            }
        }
        await context.runtime.instancesChanged(RuntimeChange(.start, instanceIDs: changes.map(\.instanceID)))
        return changes
    }

    /// RebootInstances: running instances boot again (the console output shows it); others are left alone.
    package func rebootInstances(_ caller: Caller, ids: [String]) async throws {
        let rebooted = try await write(caller) { transaction in
            var rebooted: [String] = []
            for var instance in try namedInstances(ids, caller: caller, in: transaction) where instance.state == .running {
                instance.bootCount += 1
                instance.rebootRequests = (instance.rebootRequests ?? 0) + 1
                try transaction.save(instance)
                rebooted.append(instance.id)
            }
            return rebooted
        }
        await context.runtime.instancesChanged(RuntimeChange(.reboot, instanceIDs: rebooted))
    }

    /// TerminateInstances: instances go `shutting-down` → `terminated`. Volumes marked
    /// DeleteOnTermination are deleted, the others detached; an instance-store root is lost.
    package func terminateInstances(_ caller: Caller, ids: [String]) async throws -> [InstanceStateChange] {
        let scheduler = self.scheduler
        let reason = userInitiated()
        let changes = try await write(caller) { transaction in
            let instances = try namedInstances(ids, caller: caller, in: transaction)
            for instance in instances where instance.disableApiTermination && instance.state != .terminated {
                throw CloudError.instanceTerminationDisabled(instance.id)
            }
            return try instances.map { instance in
                var changed = instance
                if instance.state != .terminated, instance.state != .shuttingDown {
                    changed.state = .shuttingDown
                    changed.stateTransitionReason = reason
                    changed.stateReason = Instance.StateReason(
                        code: "Client.UserInitiatedShutdown",
                        message: "Client.UserInitiatedShutdown: User initiated shutdown"
                    )
                    try releaseVolumes(of: changed, in: transaction)
                    try transaction.save(changed)
                    try scheduler.schedule(.instanceTerminated, resourceID: instance.id, in: transaction)
                }
                return InstanceStateChange(instanceID: instance.id, previous: instance.state, current: changed.state)
            }
        }
        await context.runtime.instancesChanged(RuntimeChange(.terminate, instanceIDs: changes.map(\.instanceID)))
        return changes
    }

    /// Deletes or detaches a terminating instance's volumes.
    func releaseVolumes(of instance: Instance, in transaction: any MetadataTransaction) throws {
        var doomed = instance.devices.filter(\.deleteOnTermination).map(\.volumeID)
        if let ephemeral = instance.ephemeralRootVolumeID { doomed.append(ephemeral) }
        for device in instance.devices where !device.deleteOnTermination {
            guard var volume = try transaction.fetch(Volume.self, id: device.volumeID) else { continue }
            volume.attachment = nil
            volume.state = .available
            try transaction.save(volume)
        }
        for volumeID in doomed {
            guard var volume = try transaction.fetch(Volume.self, id: volumeID) else { continue }
            volume.attachment = nil
            volume.state = .deleting
            try transaction.save(volume)
            try scheduler.schedule(.volumeDeleted, resourceID: volumeID, in: transaction)
        }
    }
}
