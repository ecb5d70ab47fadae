import Foundation

/// The Auto Scaling calls on groups, launch configurations, instances and refreshes, and the
/// reconciler that keeps every group at its desired capacity.
///
/// Changes to a group read it, launch or terminate instances (which awaits), then save it;
/// ``coordinator`` runs them one at a time, so two never overwrite each other's
/// changes. It is the one piece of the cloud whose state lives in memory.
package struct AutoScalingService: CloudService {
    package let context: CloudContext
    /// Serializes the changes to each group.
    let coordinator = GroupCoordinator()

    init(context: CloudContext) {
        self.context = context
    }
}

extension AutoScalingService {

    /// The caller's group named `name`.
    func group(_ name: String, caller: Caller, in transaction: any MetadataTransaction) throws -> AutoScalingGroup {
        guard
            let group = try transaction.fetch(
                AutoScalingGroup.self,
                id: AutoScalingGroup.id(account: caller.account, region: caller.region, name: name)
            )
        else {
            throw CloudError.groupNotFound(name)
        }
        return group
    }

    /// Checks that a launch source names something launchable now, as CreateAutoScalingGroup does.
    func validateLaunchSource(_ source: AutoScalingGroup.LaunchSource, caller: Caller) async throws {
        var data: LaunchTemplateData
        switch source {
        case .template(let specifier):
            let version = try await read(caller) { transaction -> LaunchTemplate.Version in
                let template: LaunchTemplate
                do {
                    template = try context.launchTemplates.ownedLaunchTemplate(
                        id: specifier.id,
                        name: specifier.name,
                        caller: caller,
                        in: transaction
                    )
                } catch let error as CloudError {
                    throw CloudError.autoScalingValidation("You must use a valid fully-formed launch template. \(error.message)")
                }
                guard let version = template.version(specifier.version) else {
                    throw CloudError.autoScalingValidation(
                        "You must use a valid fully-formed launch template. The specified launch template version \(specifier.version ?? "$Default") of launch template \(template.id) does not exist."
                    )
                }
                return version
            }
            data = version.data
        case .configuration(let name):
            data = try await read(caller) { transaction in
                guard
                    let configuration = try transaction.fetch(
                        LaunchConfiguration.self,
                        id: LaunchConfiguration.id(account: caller.account, region: caller.region, name: name)
                    )
                else {
                    throw CloudError.autoScalingValidation("Launch configuration name not found - Launch configuration \(name) not found")
                }
                return configuration.data
            }
        }
        guard let alias = data.imageID else {
            throw CloudError.autoScalingValidation(
                "You must use a valid fully-formed launch template. The launch template does not specify an image id."
            )
        }
        do {
            let imageID = try await context.instances.resolveImageAlias(caller, alias)
            _ = try await read(caller) { try context.instances.launchableImage(imageID, caller: caller, in: $0) }
        } catch let error as CloudError {
            throw CloudError.autoScalingValidation("You must use a valid fully-formed launch template. AMI \(alias) is invalid: \(error.message)")
        }
    }

    /// Checks sizes and zones; returns the zones to spread over.
    private func validateShape(_ group: AutoScalingGroup) throws {
        guard group.minSize >= 0, group.maxSize >= group.minSize else {
            throw CloudError.autoScalingValidation("The minimum size (\(group.minSize)) must be between 0 and the maximum size (\(group.maxSize)).")
        }
        guard (group.minSize...group.maxSize).contains(group.desiredCapacity) else {
            throw CloudError.autoScalingValidation(
                "Desired capacity:\(group.desiredCapacity) must be between the specified min size:\(group.minSize) and max size:\(group.maxSize)"
            )
        }
        for zone in group.availabilityZones where regions.zone(named: zone, in: group.region) == nil {
            throw CloudError.autoScalingValidation("Invalid Availability Zone: \(zone)")
        }
        for tag in group.tags { try Tag(key: tag.key, value: tag.value).validate() }
    }

    /// CreateAutoScalingGroup: a group that launches its desired capacity at once.
    package func createAutoScalingGroup(_ caller: Caller, name: String, settings: AutoScalingGroupSettings) async throws {
        guard (1...255).contains(name.count) else { throw CloudError.autoScalingValidation("The group name must be 1 to 255 characters.") }
        guard let source = settings.source else {
            throw CloudError.autoScalingValidation(
                "Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter."
            )
        }
        guard let minSize = settings.minSize, let maxSize = settings.maxSize else { throw CloudError.missingParameter("MinSize and MaxSize") }
        var zones = settings.availabilityZones ?? []
        if let identifier = settings.vpcZoneIdentifier, !identifier.isEmpty {
            zones = try await context.networks.zones(ofSubnets: identifier, caller: caller)
        }
        guard !zones.isEmpty else { throw CloudError.autoScalingValidation("At least one Availability Zone or VPC Subnet is required.") }
        try await validateLaunchSource(source, caller: caller)
        let group = AutoScalingGroup(
            id: AutoScalingGroup.id(account: caller.account, region: caller.region, name: name),
            owner: caller.account,
            region: caller.region,
            name: name,
            createdTime: clock.now,
            source: source,
            minSize: minSize,
            maxSize: maxSize,
            desiredCapacity: settings.desiredCapacity ?? minSize,
            availabilityZones: zones,
            vpcZoneIdentifier: settings.vpcZoneIdentifier,
            healthCheckType: settings.healthCheckType ?? "EC2",
            healthCheckGracePeriod: settings.healthCheckGracePeriod ?? 0,
            defaultCooldown: settings.defaultCooldown ?? 300,
            tags: settings.tags ?? [],
            members: [],
            activities: [],
            refreshes: []
        )
        try validateShape(group)
        try await coordinator.run {
            try await write(caller) { transaction in
                if try transaction.fetch(AutoScalingGroup.self, id: group.id) != nil {
                    throw CloudError.groupAlreadyExists(name)
                }
                try transaction.save(group)
            }
            try await reconcile(groupID: group.id)
        }
    }

    /// UpdateAutoScalingGroup: changes settings; the group then converges on them.
    package func updateAutoScalingGroup(_ caller: Caller, name: String, settings: AutoScalingGroupSettings) async throws {
        if let source = settings.source { try await validateLaunchSource(source, caller: caller) }
        let subnetZones: [String]? =
            if let identifier = settings.vpcZoneIdentifier, !identifier.isEmpty {
                try await context.networks.zones(ofSubnets: identifier, caller: caller)
            } else {
                nil
            }
        try await coordinator.run {
            let id = try await write(caller) { transaction in
                var group = try self.group(name, caller: caller, in: transaction)
                if let source = settings.source { group.source = source }
                if let value = settings.minSize { group.minSize = value }
                if let value = settings.maxSize { group.maxSize = value }
                if let value = settings.desiredCapacity {
                    group.desiredCapacity = value
                } else {
                    // As on AWS, a new minimum or maximum pulls the desired capacity along.
                    group.desiredCapacity = min(max(group.desiredCapacity, group.minSize), group.maxSize)
                }
                if let zones = settings.availabilityZones, !zones.isEmpty { group.availabilityZones = zones }
                if let value = settings.vpcZoneIdentifier { group.vpcZoneIdentifier = value }
                if let subnetZones { group.availabilityZones = subnetZones }
                if let value = settings.healthCheckType { group.healthCheckType = value }
                if let value = settings.healthCheckGracePeriod { group.healthCheckGracePeriod = value }
                if let value = settings.defaultCooldown { group.defaultCooldown = value }
                try self.validateShape(group)
                group.nextLaunchAttempt = nil
                try transaction.save(group)
                return group.id
            }
            try await reconcile(groupID: id)
        }
    }

    /// SetDesiredCapacity.
    package func setDesiredCapacity(_ caller: Caller, name: String, capacity: Int) async throws {
        try await coordinator.run {
            let id = try await write(caller) { transaction in
                var group = try self.group(name, caller: caller, in: transaction)
                guard (group.minSize...group.maxSize).contains(capacity) else {
                    throw CloudError.autoScalingValidation(
                        "New SetDesiredCapacity value \(capacity) is \(capacity < group.minSize ? "below min value \(group.minSize)" : "above max value \(group.maxSize)") for the AutoScalingGroup."
                    )
                }
                group.desiredCapacity = capacity
                group.nextLaunchAttempt = nil
                try transaction.save(group)
                return group.id
            }
            try await reconcile(groupID: id)
        }
    }

    /// DeleteAutoScalingGroup: refused while instances remain, unless `force` terminates them.
    package func deleteAutoScalingGroup(_ caller: Caller, name: String, force: Bool) async throws {
        try await coordinator.run {
            let group = try await read(caller) { try self.group(name, caller: caller, in: $0) }
            if !group.members.isEmpty {
                guard force else {
                    throw CloudError.groupHasInstances
                }
                _ = try? await context.instances.terminateInstances(caller, ids: group.members.map(\.instanceID))
            }
            try await write(caller) { transaction in try transaction.delete(AutoScalingGroup.self, id: group.id) }
        }
    }

    /// DescribeAutoScalingGroups: the caller's groups, by name or all, with tag filters.
    package func describeAutoScalingGroups(_ caller: Caller, names: [String]?, filters: [Filter]) async throws -> [AutoScalingGroup] {
        try await read(caller) { transaction in
            var groups = try transaction.fetchAll(AutoScalingGroup.self, region: caller.region, owner: caller.account).sorted { $0.name < $1.name }
            if let names, !names.isEmpty { groups = groups.filter { names.contains($0.name) } }
            return groups.filter { group in
                filters.allSatisfy { filter in
                    switch filter.name {
                    case "tag-key": return filter.matchesAny(group.tags.map(\.key))
                    case "tag-value": return filter.matchesAny(group.tags.map(\.value))
                    case let name where name.hasPrefix("tag:"):
                        return filter.matchesAny(group.tags.filter { $0.key == name.dropFirst(4) }.map(\.value))
                    default: return false
                    }
                }
            }
        }
    }

    /// DescribeAutoScalingInstances: the caller's group members, all or by instance id.
    package func describeAutoScalingInstances(_ caller: Caller, instanceIDs: [String]?) async throws -> [(AutoScalingGroup, AutoScalingGroup.Member)]
    {
        try await read(caller) { transaction in
            try transaction.fetchAll(AutoScalingGroup.self, region: caller.region, owner: caller.account).flatMap { group in
                group.members.filter { instanceIDs?.isEmpty ?? true || instanceIDs?.contains($0.instanceID) == true }.map { (group, $0) }
            }
        }
    }

    /// DescribeScalingActivities: one group's activities, or every group's, newest first.
    package func describeScalingActivities(_ caller: Caller, groupName: String?, activityIDs: [String]?) async throws -> [(
        AutoScalingGroup, AutoScalingGroup.Activity
    )] {
        try await read(caller) { transaction in
            let groups =
                try groupName.map { [try self.group($0, caller: caller, in: transaction)] }
                ?? transaction.fetchAll(AutoScalingGroup.self, region: caller.region, owner: caller.account)
            return groups.flatMap { group in group.activities.map { (group, $0) } }
                .filter { activityIDs?.isEmpty ?? true || activityIDs?.contains($0.1.id) == true }
                .sorted { $0.1.startTime > $1.1.startTime }
        }
    }

    /// The group `instanceID` belongs to, and its position there.
    private func membership(of instanceID: String, caller: Caller) async throws -> (AutoScalingGroup, Int) {
        let groups = try await read(caller) { try $0.fetchAll(AutoScalingGroup.self, region: caller.region, owner: caller.account) }
        for group in groups {
            if let index = group.members.firstIndex(where: { $0.instanceID == instanceID }) { return (group, index) }
        }
        throw CloudError.autoScalingValidation("Instance Id not found - No managed instance found for instance ID: \(instanceID)")
    }

    /// TerminateInstanceInAutoScalingGroup: the instance goes; the group replaces it unless
    /// the desired capacity is decremented.
    package func terminateInstanceInAutoScalingGroup(_ caller: Caller, instanceID: String, decrement: Bool) async throws -> AutoScalingGroup.Activity
    {
        try await coordinator.run {
            var (group, index) = try await membership(of: instanceID, caller: caller)
            if decrement, group.desiredCapacity - 1 < group.minSize {
                throw CloudError.autoScalingValidation(
                    "Currently, desiredSize equals minSize (\(group.minSize)). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size."
                )
            }
            let member = group.members.remove(at: index)
            _ = try? await context.instances.terminateInstances(caller, ids: [member.instanceID])
            let before = group.desiredCapacity
            if decrement { group.desiredCapacity -= 1 }
            let cause =
                decrement
                ? "At \(Self.activityTime(clock.now)) instance \(instanceID) was taken out of service in response to a user request, shrinking the capacity from \(before) to \(group.desiredCapacity)."
                : "At \(Self.activityTime(clock.now)) instance \(instanceID) was taken out of service in response to a user request."
            let activity = activity("Terminating EC2 instance: \(instanceID)", cause: cause)
            group.record(activity)
            try await saveGroup(group)
            try await reconcile(groupID: group.id)
            return activity
        }
    }

    /// SetInstanceHealth: an `Unhealthy` instance is replaced at the group's next pass.
    package func setInstanceHealth(_ caller: Caller, instanceID: String, status: String) async throws {
        guard let status = AutoScalingGroup.HealthStatus(rawValue: status) else {
            throw CloudError.autoScalingValidation("Valid values for HealthStatus are Healthy and Unhealthy.")
        }
        try await coordinator.run {
            var (group, index) = try await membership(of: instanceID, caller: caller)
            group.members[index].healthStatus = status
            try await saveGroup(group)
            try await reconcile(groupID: group.id)
        }
    }

    /// EnterStandby and ExitStandby: instances leave or rejoin the counted capacity.
    package func setStandby(_ caller: Caller, groupName: String, instanceIDs: [String], enter: Bool, decrement: Bool) async throws
        -> [AutoScalingGroup.Activity]
    {
        try await coordinator.run {
            var group = try await read(caller) { try self.group(groupName, caller: caller, in: $0) }
            var activities: [AutoScalingGroup.Activity] = []
            for id in instanceIDs {
                guard let index = group.members.firstIndex(where: { $0.instanceID == id }) else {
                    throw CloudError.autoScalingValidation("The instance \(id) is not part of Auto Scaling group \(groupName).")
                }
                let expected: AutoScalingGroup.LifecycleState = enter ? .inService : .standby
                guard group.members[index].lifecycleState == expected else {
                    throw CloudError.autoScalingValidation("The instance \(id) is not in \(expected.rawValue).")
                }
                group.members[index].lifecycleState = enter ? .standby : .inService
                if enter, decrement { group.desiredCapacity = max(group.minSize, group.desiredCapacity - 1) }
                if !enter { group.desiredCapacity = min(group.maxSize, group.desiredCapacity + 1) }
                let what = enter ? "Moving EC2 instance to Standby: \(id)" : "Moving EC2 instance out of Standby: \(id)"
                let cause =
                    "At \(Self.activityTime(clock.now)) instance \(id) was moved \(enter ? "to" : "out of") standby in response to a user request."
                let entry = activity(what, cause: cause)
                group.record(entry)
                activities.append(entry)
            }
            try await saveGroup(group)
            try await reconcile(groupID: group.id)
            return activities
        }
    }

    /// CreateLaunchConfiguration.
    package func createLaunchConfiguration(_ caller: Caller, name: String, data: LaunchTemplateData) async throws {
        guard let imageID = data.imageID else { throw CloudError.missingParameter("ImageId") }
        guard let type = data.instanceType, InstanceTypeCatalog.info(type) != nil else {
            throw CloudError.autoScalingValidation("Invalid instance type: \(data.instanceType ?? "(none)")")
        }
        let configuration = LaunchConfiguration(
            id: LaunchConfiguration.id(account: caller.account, region: caller.region, name: name),
            owner: caller.account,
            region: caller.region,
            name: name,
            createdTime: clock.now,
            data: data
        )
        try await write(caller) { transaction in
            // As AWS does: an image the caller cannot see is refused here, not at the first launch.
            guard (try? context.images.visibleImage(imageID, caller: caller, in: transaction)) != nil else {
                throw CloudError.launchConfigurationImageNotFound(imageID)
            }
            if try transaction.fetch(LaunchConfiguration.self, id: configuration.id) != nil {
                throw CloudError.launchConfigurationAlreadyExists(name)
            }
            try transaction.save(configuration)
        }
    }

    /// DescribeLaunchConfigurations.
    package func describeLaunchConfigurations(_ caller: Caller, names: [String]?) async throws -> [LaunchConfiguration] {
        try await read(caller) { transaction in
            try transaction.fetchAll(LaunchConfiguration.self, region: caller.region, owner: caller.account)
                .filter { names?.isEmpty ?? true || names?.contains($0.name) == true }.sorted { $0.name < $1.name }
        }
    }

    /// DeleteLaunchConfiguration: refused while a group uses it.
    package func deleteLaunchConfiguration(_ caller: Caller, name: String) async throws {
        try await write(caller) { transaction in
            let id = LaunchConfiguration.id(account: caller.account, region: caller.region, name: name)
            guard try transaction.fetch(LaunchConfiguration.self, id: id) != nil else {
                throw CloudError.autoScalingValidation("Launch configuration name not found - Launch configuration \(name) not found")
            }
            let users = try transaction.fetchAll(AutoScalingGroup.self, region: caller.region, owner: caller.account).filter {
                $0.source == .configuration(name)
            }
            guard users.isEmpty else {
                throw CloudError.launchConfigurationInUse(name, users[0].name)
            }
            try transaction.delete(LaunchConfiguration.self, id: id)
        }
    }

    /// StartInstanceRefresh: replaces, batch by batch, the instances that do not match the
    /// group's launch source, keeping at least `minHealthyPercentage` of the capacity in service.
    package func startInstanceRefresh(_ caller: Caller, groupName: String, minHealthyPercentage: Int?, instanceWarmup: Int?) async throws -> String {
        let minimum = minHealthyPercentage ?? 90
        guard (0...100).contains(minimum) else { throw CloudError.autoScalingValidation("MinHealthyPercentage must be between 0 and 100.") }
        return try await coordinator.run {
            var group = try await read(caller) { try self.group(groupName, caller: caller, in: $0) }
            if group.refreshes.first?.isActive == true {
                throw CloudError.instanceRefreshInProgress
            }
            let refresh = AutoScalingGroup.InstanceRefresh(
                id: UUID().uuidString.lowercased(),
                status: .pending,
                startTime: clock.now,
                minHealthyPercentage: minimum,
                instanceWarmup: instanceWarmup,
                instancesToUpdate: 0,
                percentageComplete: 0
            )
            group.refreshes.insert(refresh, at: 0)
            if group.refreshes.count > 50 { group.refreshes.removeLast() }
            try await saveGroup(group)
            try await reconcile(groupID: group.id)
            return refresh.id
        }
    }

    /// DescribeInstanceRefreshes: a group's refreshes, newest first.
    package func describeInstanceRefreshes(_ caller: Caller, groupName: String, ids: [String]?) async throws -> (
        AutoScalingGroup, [AutoScalingGroup.InstanceRefresh]
    ) {
        let group = try await read(caller) { try self.group(groupName, caller: caller, in: $0) }
        return (group, group.refreshes.filter { ids?.isEmpty ?? true || ids?.contains($0.id) == true })
    }

    /// CancelInstanceRefresh: stops replacing; instances already replaced stay.
    package func cancelInstanceRefresh(_ caller: Caller, groupName: String) async throws -> String {
        try await coordinator.run {
            var group = try await read(caller) { try self.group(groupName, caller: caller, in: $0) }
            guard let refresh = group.refreshes.first, refresh.isActive else {
                throw CloudError.noActiveInstanceRefresh(groupName)
            }
            group.refreshes[0].status = .cancelled
            group.refreshes[0].endTime = clock.now
            try await saveGroup(group)
            return refresh.id
        }
    }

    /// Saves a group changed outside a transaction (the caller holds ``autoScalingLock``).
    func saveGroup(_ group: AutoScalingGroup) async throws {
        try await store.write { transaction in
            guard try transaction.fetch(AutoScalingGroup.self, id: group.id) != nil else { return }
            try transaction.save(group)
        }
    }

    /// A finished activity starting now.
    func activity(_ description: String, cause: String, failure: String? = nil) -> AutoScalingGroup.Activity {
        AutoScalingGroup.Activity(
            id: UUID().uuidString.lowercased(),
            description: description,
            cause: cause,
            startTime: clock.now,
            endTime: clock.now,
            statusCode: failure == nil ? .successful : .failed,
            statusMessage: failure
        )
    }

    /// `2024-01-02T03:04:05Z`, as activity causes write times.
    static func activityTime(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle()) }
}
