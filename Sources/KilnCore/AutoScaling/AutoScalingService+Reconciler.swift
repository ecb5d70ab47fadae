import Foundation

/// The reconciler: what keeps each Auto Scaling group at its desired capacity.
///
/// A pass over a group (1) notices members that were terminated, stopped or marked unhealthy
/// and lets them go, (2) moves an instance refresh on by one batch, and (3) launches or
/// terminates instances until the counted members match the desired capacity. Launches go
/// through ``context.instances.runInstances(_:_:)``, so the image's state, launch permissions and every other
/// check apply; a refused launch is a `Failed` activity, retried after ``launchRetryDelay``.
///
/// Every Auto Scaling call runs a pass on its group; the server runs one over every group each
/// second, so that replacements happen and refreshes progress on their own, also after a restart.
extension AutoScalingService {
    /// How long a group waits after a failed launch before trying again.
    static let launchRetryDelay: TimeInterval = 10

    /// Runs a pass over every group in every region.
    package func reconcileAutoScalingGroups() async throws {
        var ids: [String] = []
        for region in regions.enabled {
            ids += try await store.read { try $0.fetchAll(AutoScalingGroup.self, region: region.name, owner: nil).map(\.id) }
        }
        for id in ids {
            try await coordinator.run { try await reconcile(groupID: id) }
        }
    }

    /// One pass over one group; the caller holds the coordinator's turn.
    func reconcile(groupID: String) async throws {
        guard var group = try await store.read({ try $0.fetch(AutoScalingGroup.self, id: groupID) }) else { return }
        let caller = Caller(account: group.owner, accessKeyID: "autoscaling.amazonaws.com", region: group.region)
        let before = group
        try await releaseLostMembers(of: &group, caller: caller)
        if group.refreshes.first?.isActive == true { try await advanceRefresh(of: &group, caller: caller) }
        try await scale(&group, caller: caller)
        if group != before { try await saveGroup(group) }
    }

    /// Notices the state of each member: running ones are in service; terminated, stopped
    /// and unhealthy ones leave the group (stopped and unhealthy ones are terminated).
    private func releaseLostMembers(of group: inout AutoScalingGroup, caller: Caller) async throws {
        let ids = group.members.map(\.instanceID)
        let instances = try await store.read { transaction in try ids.map { try transaction.fetch(Instance.self, id: $0) } }
        var kept: [AutoScalingGroup.Member] = []
        for (member, instance) in zip(group.members, instances) {
            var member = member
            let state = instance?.state ?? .terminated
            let now = Self.activityTime(clock.now)
            let neverBooted =
                member.lifecycleState == .pending && (state == .terminated || state == .shuttingDown)
                && instance?.stateReason?.code.hasPrefix("Client.") == true && instance?.stateReason?.code != "Client.UserInitiatedShutdown"
            if neverBooted {
                // The launch was accepted but the instance never booted (a KMS key it may not
                // use, say): AWS reports that as a failed launch, and so does the group.
                let reason = instance?.stateReason?.message ?? "Client.InternalError: Client error on launch"
                group.record(
                    activity(
                        "Launching a new EC2 instance: \(member.instanceID).  Status Reason: \(reason)",
                        cause: "At \(now) an instance was started in response to a difference between desired and actual capacity.",
                        failure: reason
                    )
                )
                group.nextLaunchAttempt = clock.now + Self.launchRetryDelay
                continue
            }
            switch state {
            case .terminated, .shuttingDown, .stopped, .stopping:
                // A stopped member is terminated; either way the group takes it out of service.
                if state == .stopped || state == .stopping {
                    _ = try? await context.instances.terminateInstances(caller, ids: [member.instanceID])
                }
                group.record(
                    activity(
                        "Terminating EC2 instance: \(member.instanceID)",
                        cause:
                            "At \(now) an instance was taken out of service in response to an EC2 health check indicating it has been terminated or stopped."
                    )
                )
                continue
            case .pending, .running:
                if member.healthStatus == .unhealthy {
                    _ = try? await context.instances.terminateInstances(caller, ids: [member.instanceID])
                    group.record(
                        activity(
                            "Terminating EC2 instance: \(member.instanceID)",
                            cause: "At \(now) an instance was taken out of service in response to a user health-check."
                        )
                    )
                    continue
                }
                if state == .running, member.lifecycleState == .pending { member.lifecycleState = .inService }
            }
            kept.append(member)
        }
        group.members = kept
    }

    /// What the group launches from now: the template version number, or the configuration name.
    private func currentSource(of group: AutoScalingGroup, caller: Caller) async throws -> (version: Int?, configuration: String?) {
        switch group.source {
        case .configuration(let name): return (nil, name)
        case .template(let specifier):
            let version = try? await read(caller) { transaction in
                try context.launchTemplates.ownedLaunchTemplate(id: specifier.id, name: specifier.name, caller: caller, in: transaction).version(
                    specifier.version
                )?.number
            }
            return (version ?? nil, nil)
        }
    }

    /// Moves an instance refresh on: when no replacement is still pending, terminates the next
    /// batch of outdated members (as many as keep the minimum healthy percentage in service,
    /// and at least one); `scale` then launches their replacements.
    private func advanceRefresh(of group: inout AutoScalingGroup, caller: Caller) async throws {
        let target = try await currentSource(of: group, caller: caller)
        let outdated = group.members.filter { member in
            member.lifecycleState != .standby && (member.templateVersion != target.version || member.launchConfigurationName != target.configuration)
        }
        if group.refreshes[0].status == .pending {
            group.refreshes[0].status = .inProgress
            group.refreshes[0].instancesToUpdate = outdated.count
        }
        let total = max(group.refreshes[0].instancesToUpdate, 1)
        let pending = group.members.contains { $0.lifecycleState == .pending }
        let counted = group.members.filter { $0.lifecycleState != .standby }.count
        if outdated.isEmpty && !pending && counted >= group.desiredCapacity {
            group.refreshes[0].status = .successful
            group.refreshes[0].percentageComplete = 100
            group.refreshes[0].endTime = clock.now
            group.refreshes[0].statusReason = nil
            return
        }
        group.refreshes[0].percentageComplete = min(99, (group.refreshes[0].instancesToUpdate - outdated.count) * 100 / total)
        guard !pending, !outdated.isEmpty else { return }
        let minimumHealthy = Int((Double(group.desiredCapacity) * Double(group.refreshes[0].minHealthyPercentage) / 100).rounded(.up))
        let inService = group.members.filter { $0.lifecycleState == .inService }.count
        let batch = min(outdated.count, max(1, inService - minimumHealthy))
        let now = Self.activityTime(clock.now)
        for member in outdated.prefix(batch) {
            _ = try? await context.instances.terminateInstances(caller, ids: [member.instanceID])
            group.members.removeAll { $0.instanceID == member.instanceID }
            group.record(
                activity(
                    "Terminating EC2 instance: \(member.instanceID)",
                    cause:
                        "At \(now) an instance was taken out of service in response to an instance refresh.  At \(now) instance \(member.instanceID) was selected for termination."
                )
            )
        }
    }

    /// Launches or terminates until the counted members match the desired capacity.
    private func scale(_ group: inout AutoScalingGroup, caller: Caller) async throws {
        var counted = group.members.filter { $0.lifecycleState != .standby }
        let now = Self.activityTime(clock.now)
        while counted.count > group.desiredCapacity {
            // The default termination policy: the zone with the most instances, then the
            // oldest launch source, then the oldest instance.
            let byZone = Dictionary(grouping: counted, by: \.availabilityZone)
            let busiest = byZone.max { $0.value.count < $1.value.count || ($0.value.count == $1.value.count && $0.key > $1.key) }?.key
            guard
                let victim = counted.filter({ $0.availabilityZone == busiest })
                    .min(by: { ($0.templateVersion ?? 0, $0.launchTime) < ($1.templateVersion ?? 0, $1.launchTime) })
            else { break }
            _ = try? await context.instances.terminateInstances(caller, ids: [victim.instanceID])
            group.members.removeAll { $0.instanceID == victim.instanceID }
            counted.removeAll { $0.instanceID == victim.instanceID }
            group.record(
                activity(
                    "Terminating EC2 instance: \(victim.instanceID)",
                    cause:
                        "At \(now) a user request explicitly set group desired capacity changing the desired capacity from \(counted.count + 1) to \(group.desiredCapacity).  At \(now) an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from \(counted.count + 1) to \(counted.count)."
                )
            )
        }
        if let next = group.nextLaunchAttempt, clock.now < next { return }
        while counted.count < group.desiredCapacity {
            let zone =
                group.availabilityZones.min { zoneA, zoneB in
                    let a = counted.count { $0.availabilityZone == zoneA }
                    let b = counted.count { $0.availabilityZone == zoneB }
                    return (a, zoneA) < (b, zoneB)
                } ?? ""
            do {
                let member = try await launchMember(of: group, zone: zone, caller: caller)
                group.members.append(member)
                counted.append(member)
                group.nextLaunchAttempt = nil
                group.record(
                    activity(
                        "Launching a new EC2 instance: \(member.instanceID)",
                        cause:
                            "At \(now) an instance was started in response to a difference between desired and actual capacity, increasing the capacity from \(counted.count - 1) to \(counted.count)."
                    )
                )
            } catch let error as CloudError {
                let reason = "\(error.message). Launching EC2 instance failed."
                group.record(
                    activity(
                        "Launching a new EC2 instance.  Status Reason: \(reason)",
                        cause:
                            "At \(now) an instance was started in response to a difference between desired and actual capacity, increasing the capacity from \(counted.count) to \(group.desiredCapacity).",
                        failure: reason
                    )
                )
                group.nextLaunchAttempt = clock.now + Self.launchRetryDelay
                return
            }
        }
    }

    /// Launches one instance for the group in `zone`, through RunInstances.
    private func launchMember(of group: AutoScalingGroup, zone: String, caller: Caller) async throws -> AutoScalingGroup.Member {
        var data = LaunchTemplateData()
        data.availabilityZone = zone
        var template: LaunchRequest.TemplateSpecifier?
        var configurationName: String?
        switch group.source {
        case .template(let specifier):
            template = specifier
        case .configuration(let name):
            let configuration = try await read(caller) { transaction in
                try transaction.fetch(
                    LaunchConfiguration.self,
                    id: LaunchConfiguration.id(account: caller.account, region: caller.region, name: name)
                )
            }
            guard let configuration else {
                throw CloudError.launchConfigurationMissing(name)
            }
            data = configuration.data
            data.availabilityZone = zone
            configurationName = name
        }
        if let identifier = group.vpcZoneIdentifier, !identifier.isEmpty {
            data.subnetID = try await context.networks.subnet(inZone: zone, among: identifier, caller: caller)
        }
        var request = LaunchRequest(data: data, minCount: 1, maxCount: 1, template: template)
        request.systemTags =
            [Tag(key: "aws:autoscaling:groupName", value: group.name)]
            + group.tags.filter(\.propagateAtLaunch).map { Tag(key: $0.key, value: $0.value) }
        let instance = try await context.instances.runInstances(caller, request).instances[0]
        return AutoScalingGroup.Member(
            instanceID: instance.id,
            availabilityZone: instance.availabilityZone,
            lifecycleState: .pending,
            healthStatus: .healthy,
            imageID: instance.imageID,
            instanceType: instance.instanceType,
            templateVersion: instance.launchTemplate?.version,
            launchConfigurationName: configurationName,
            launchTime: instance.launchTime
        )
    }
}
