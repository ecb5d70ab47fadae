import Foundation
import KilnCore
import KilnWire

/// Auto Scaling: the AWS query front for groups, launch configurations, scaling activities
/// and instance refreshes.
enum AutoScalingFront {
    /// The Auto Scaling front over `autoScaling`.
    static func make(autoScaling: AutoScalingService) -> QueryFront {
        var operations = OperationTable()
        registerGroups(in: &operations, autoScaling: autoScaling)
        registerGroupQueries(in: &operations, autoScaling: autoScaling)
        registerInstances(in: &operations, autoScaling: autoScaling)
        registerLaunchConfigurations(in: &operations, autoScaling: autoScaling)
        registerRefreshes(in: &operations, autoScaling: autoScaling)
        return QueryFront(
            signingName: AutoScaling.signingName,
            dialect: .awsQuery,
            xmlNamespace: AutoScaling.xmlNamespace,
            modeledErrors: AutoScaling.modeledErrors,
            operations: operations
        )
    }

    /// The domain's launch source from a request's template or configuration name.
    static func source(template: AutoScaling.LaunchTemplateSpecification?, configuration: String?) throws -> AutoScalingGroup.LaunchSource? {
        if let template {
            guard (template.launchTemplateId == nil) != (template.launchTemplateName == nil) else {
                throw CloudError.launchTemplateIDOrName
            }
            if configuration != nil {
                throw CloudError.groupLaunchSourceMissing
            }
            return .template(.init(id: template.launchTemplateId, name: template.launchTemplateName, version: template.version))
        }
        return configuration.map { .configuration($0) }
    }

    /// The settings Create and UpdateAutoScalingGroup share.
    static func groupSettings(_ input: some AutoScalingGroupSettingsRequest) throws -> AutoScalingGroupSettings {
        var settings = AutoScalingGroupSettings()
        settings.source = try source(template: input.launchTemplate, configuration: input.launchConfigurationName)
        settings.minSize = input.minimumSize
        settings.maxSize = input.maximumSize
        settings.desiredCapacity = input.desiredCapacity
        settings.availabilityZones = input.availabilityZones
        settings.vpcZoneIdentifier = input.vpcZoneIdentifier
        settings.healthCheckType = input.healthCheckType
        settings.healthCheckGracePeriod = input.healthCheckGracePeriod
        settings.defaultCooldown = input.defaultCooldown
        return settings
    }

    static func wireTemplate(_ source: AutoScalingGroup.LaunchSource, version: Int? = nil) -> AutoScaling.LaunchTemplateSpecification? {
        guard case .template(let specifier) = source else { return nil }
        return AutoScaling.LaunchTemplateSpecification(
            launchTemplateId: specifier.id,
            launchTemplateName: specifier.name,
            version: version.map(String.init) ?? specifier.version ?? "$Default"
        )
    }

    static func configurationName(_ source: AutoScalingGroup.LaunchSource) -> String? {
        guard case .configuration(let name) = source else { return nil }
        return name
    }

    static func wireActivity(_ activity: AutoScalingGroup.Activity, group: AutoScalingGroup) -> AutoScaling.Activity {
        AutoScaling.Activity(
            activityId: activity.id,
            autoScalingGroupARN: group.arn,
            autoScalingGroupName: group.name,
            cause: activity.cause,
            description: activity.description,
            details: "{\"Subnet ID\":\"\",\"Availability Zone\":\"\"}",
            endTime: activity.endTime,
            progress: 100,
            startTime: activity.startTime,
            statusCode: .init(rawValue: activity.statusCode.rawValue),
            statusMessage: activity.statusMessage
        )
    }

    static func wireGroup(_ group: AutoScalingGroup) -> AutoScaling.AutoScalingGroup {
        AutoScaling.AutoScalingGroup(
            autoScalingGroupARN: group.arn,
            autoScalingGroupName: group.name,
            availabilityZones: group.availabilityZones,
            createdTime: group.createdTime,
            defaultCooldown: group.defaultCooldown,
            desiredCapacity: group.desiredCapacity,
            healthCheckGracePeriod: group.healthCheckGracePeriod,
            healthCheckType: group.healthCheckType,
            instances: group.members.map { member in
                AutoScaling.Instance(
                    availabilityZone: member.availabilityZone,
                    healthStatus: member.healthStatus.rawValue,
                    imageId: member.imageID,
                    instanceId: member.instanceID,
                    instanceType: member.instanceType,
                    launchConfigurationName: member.launchConfigurationName,
                    launchTemplate: wireTemplate(group.source, version: member.templateVersion),
                    lifecycleState: .init(rawValue: member.lifecycleState.rawValue),
                    protectedFromScaleIn: false
                )
            },
            launchConfigurationName: configurationName(group.source),
            launchTemplate: wireTemplate(group.source),
            maxSize: group.maxSize,
            minSize: group.minSize,
            newInstancesProtectedFromScaleIn: false,
            serviceLinkedRoleARN: "arn:aws:iam::\(group.owner):role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
            status: group.status,
            tags: group.tags.map { tag in
                AutoScaling.TagDescription(
                    key: tag.key,
                    propagateAtLaunch: tag.propagateAtLaunch,
                    resourceId: group.name,
                    resourceType: "auto-scaling-group",
                    value: tag.value
                )
            },
            terminationPolicies: ["Default"],
            vpcZoneIdentifier: group.vpcZoneIdentifier
        )
    }

    static func registerGroups(in operations: inout OperationTable, autoScaling: AutoScalingService) {
        operations.on(AutoScaling.CreateAutoScalingGroup.self) { input, caller in
            if input.mixedInstancesPolicy != nil || input.instanceId != nil {
                throw CloudError.groupLaunchSourceUnsupported
            }
            var settings = try groupSettings(input)
            settings.tags = input.tags?.map {
                AutoScalingGroup.GroupTag(key: $0.key, value: $0.value ?? "", propagateAtLaunch: $0.propagateAtLaunch ?? false)
            }
            try await autoScaling.createAutoScalingGroup(caller, name: input.autoScalingGroupName, settings: settings)
            return EmptyOutput()
        }

        operations.on(AutoScaling.UpdateAutoScalingGroup.self) { input, caller in
            let settings = try groupSettings(input)
            try await autoScaling.updateAutoScalingGroup(caller, name: input.autoScalingGroupName, settings: settings)
            return EmptyOutput()
        }

        operations.on(AutoScaling.SetDesiredCapacity.self) { input, caller in
            try await autoScaling.setDesiredCapacity(caller, name: input.autoScalingGroupName, capacity: input.desiredCapacity)
            return EmptyOutput()
        }

        operations.on(AutoScaling.DeleteAutoScalingGroup.self) { input, caller in
            try await autoScaling.deleteAutoScalingGroup(caller, name: input.autoScalingGroupName, force: input.forceDelete ?? false)
            return EmptyOutput()
        }

    }

    static func registerGroupQueries(in operations: inout OperationTable, autoScaling: AutoScalingService) {
        operations.on(AutoScaling.DescribeAutoScalingGroups.self) { input, caller in
            let page = try autoScaling.context.pageRequest(
                "DescribeAutoScalingGroups",
                caller: caller,
                maxResults: input.maxRecords,
                nextToken: input.nextToken,
                allowed: 1...100,
                parameters: [String(describing: input.autoScalingGroupNames), String(describing: input.filters)]
            )
            let groups = try await autoScaling.describeAutoScalingGroups(
                caller,
                names: input.autoScalingGroupNames,
                filters: (input.filters ?? []).map { Filter(name: $0.name ?? "", values: $0.values ?? []) }
            )
            let (items, nextToken) = try page.page(of: groups)
            return AutoScaling.AutoScalingGroupsType(autoScalingGroups: items.map(wireGroup), nextToken: nextToken)
        }

        operations.on(AutoScaling.DescribeScalingActivities.self) { input, caller in
            let page = try autoScaling.context.pageRequest(
                "DescribeScalingActivities",
                caller: caller,
                maxResults: input.maxRecords,
                nextToken: input.nextToken,
                allowed: 1...100,
                parameters: [String(describing: input.autoScalingGroupName), String(describing: input.activityIds)]
            )
            let activities = try await autoScaling.describeScalingActivities(
                caller,
                groupName: input.autoScalingGroupName,
                activityIDs: input.activityIds
            )
            let (items, nextToken) = try page.page(of: activities)
            return AutoScaling.ActivitiesType(activities: items.map { wireActivity($0.1, group: $0.0) }, nextToken: nextToken)
        }
    }

    static func registerInstances(in operations: inout OperationTable, autoScaling: AutoScalingService) {
        operations.on(AutoScaling.DescribeAutoScalingInstances.self) { input, caller in
            let page = try autoScaling.context.pageRequest(
                "DescribeAutoScalingInstances",
                caller: caller,
                maxResults: input.maxRecords,
                nextToken: input.nextToken,
                allowed: 1...50,
                parameters: [String(describing: input.instanceIds)]
            )
            let members = try await autoScaling.describeAutoScalingInstances(caller, instanceIDs: input.instanceIds)
            let (items, nextToken) = try page.page(of: members)
            return AutoScaling.AutoScalingInstancesType(autoScalingInstances: items.map { wireInstanceDetails($0.0, $0.1) }, nextToken: nextToken)
        }

        operations.on(AutoScaling.TerminateInstanceInAutoScalingGroup.self) { input, caller in
            let activity = try await autoScaling.terminateInstanceInAutoScalingGroup(
                caller,
                instanceID: input.instanceId,
                decrement: input.shouldDecrementDesiredCapacity
            )
            let group = try await autoScaling.describeAutoScalingGroups(caller, names: nil, filters: []).first {
                $0.activities.contains { $0.id == activity.id }
            }
            return AutoScaling.ActivityType(activity: group.map { wireActivity(activity, group: $0) })
        }

        operations.on(AutoScaling.SetInstanceHealth.self) { input, caller in
            try await autoScaling.setInstanceHealth(caller, instanceID: input.instanceId, status: input.healthStatus)
            return EmptyOutput()
        }

        registerStandby(in: &operations, autoScaling: autoScaling)
    }

    /// EnterStandby and ExitStandby.
    static func registerStandby(in operations: inout OperationTable, autoScaling: AutoScalingService) {
        operations.on(AutoScaling.EnterStandby.self) { input, caller in
            AutoScaling.EnterStandbyAnswer(
                activities: try await setStandby(
                    autoScaling,
                    caller,
                    group: input.autoScalingGroupName,
                    instances: input.instanceIds,
                    enter: true,
                    decrement: input.shouldDecrementDesiredCapacity
                )
            )
        }
        operations.on(AutoScaling.ExitStandby.self) { input, caller in
            AutoScaling.ExitStandbyAnswer(
                activities: try await setStandby(
                    autoScaling,
                    caller,
                    group: input.autoScalingGroupName,
                    instances: input.instanceIds,
                    enter: false,
                    decrement: false
                )
            )
        }
    }

    /// Moves instances of a group into standby or out of it, and answers the activities that
    /// did it.
    static func setStandby(
        _ autoScaling: AutoScalingService,
        _ caller: Caller,
        group name: String,
        instances: [String]?,
        enter: Bool,
        decrement: Bool
    ) async throws -> [AutoScaling.Activity] {
        let activities = try await autoScaling.setStandby(caller, groupName: name, instanceIDs: instances ?? [], enter: enter, decrement: decrement)
        let group = try await autoScaling.describeAutoScalingGroups(caller, names: [name], filters: [])[0]
        return activities.map { wireActivity($0, group: group) }
    }

    /// DescribeAutoScalingInstances' entry for a member of `group`.
    static func wireInstanceDetails(_ group: AutoScalingGroup, _ member: AutoScalingGroup.Member) -> AutoScaling.AutoScalingInstanceDetails {
        AutoScaling.AutoScalingInstanceDetails(
            autoScalingGroupName: group.name,
            availabilityZone: member.availabilityZone,
            healthStatus: member.healthStatus.rawValue.uppercased(),
            imageId: member.imageID,
            instanceId: member.instanceID,
            instanceType: member.instanceType,
            launchConfigurationName: member.launchConfigurationName,
            launchTemplate: wireTemplate(group.source, version: member.templateVersion),
            lifecycleState: member.lifecycleState.rawValue,
            protectedFromScaleIn: false
        )
    }

    static func registerLaunchConfigurations(in operations: inout OperationTable, autoScaling: AutoScalingService) {
        operations.on(AutoScaling.CreateLaunchConfiguration.self) { input, caller in
            let data = launchConfigurationData(input)
            try await autoScaling.createLaunchConfiguration(caller, name: input.launchConfigurationName, data: data)
            return EmptyOutput()
        }

        operations.on(AutoScaling.DescribeLaunchConfigurations.self) { input, caller in
            let page = try autoScaling.context.pageRequest(
                "DescribeLaunchConfigurations",
                caller: caller,
                maxResults: input.maxRecords,
                nextToken: input.nextToken,
                allowed: 1...100,
                parameters: [String(describing: input.launchConfigurationNames)]
            )
            let (items, nextToken) = try page.page(
                of: try await autoScaling.describeLaunchConfigurations(caller, names: input.launchConfigurationNames)
            )
            return AutoScaling.LaunchConfigurationsType(
                launchConfigurations: items.map(wireLaunchConfiguration),
                nextToken: nextToken
            )
        }

        operations.on(AutoScaling.DeleteLaunchConfiguration.self) { input, caller in
            try await autoScaling.deleteLaunchConfiguration(caller, name: input.launchConfigurationName)
            return EmptyOutput()
        }
    }

    /// A launch configuration's settings, as CreateLaunchConfiguration gives them.
    static func launchConfigurationData(_ input: AutoScaling.CreateLaunchConfigurationType) -> LaunchTemplateData {
        var data = LaunchTemplateData()
        data.imageID = input.imageId
        data.instanceType = input.instanceType
        data.keyName = input.keyName
        data.userData = input.userData
        data.ebsOptimized = input.ebsOptimized
        data.securityGroupIDs = input.securityGroups
        data.kernelID = input.kernelId
        data.ramdiskID = input.ramdiskId
        data.mappings = input.blockDeviceMappings?.map { mapping in
            ImageRegistration.Mapping(
                deviceName: mapping.deviceName,
                virtualName: mapping.virtualName,
                noDevice: mapping.noDevice == true,
                snapshotID: mapping.ebs?.snapshotId,
                volumeSize: mapping.ebs?.volumeSize,
                volumeType: mapping.ebs?.volumeType,
                deleteOnTermination: mapping.ebs?.deleteOnTermination,
                encrypted: mapping.ebs?.encrypted,
                iops: mapping.ebs?.iops,
                throughput: mapping.ebs?.throughput
            )
        }
        return data
    }

    /// A launch configuration as DescribeLaunchConfigurations shows it.
    static func wireLaunchConfiguration(_ configuration: LaunchConfiguration) -> AutoScaling.LaunchConfiguration {
        AutoScaling.LaunchConfiguration(
            blockDeviceMappings: configuration.data.mappings?.compactMap { mapping in
                mapping.deviceName.map { device in
                    AutoScaling.BlockDeviceMapping(
                        deviceName: device,
                        ebs: mapping.noDevice || mapping.virtualName != nil
                            ? nil
                            : AutoScaling.Ebs(
                                deleteOnTermination: mapping.deleteOnTermination,
                                encrypted: mapping.encrypted,
                                iops: mapping.iops,
                                snapshotId: mapping.snapshotID,
                                throughput: mapping.throughput,
                                volumeSize: mapping.volumeSize,
                                volumeType: mapping.volumeType
                            ),
                        noDevice: mapping.noDevice ? true : nil,
                        virtualName: mapping.virtualName
                    )
                }
            },
            createdTime: configuration.createdTime,
            ebsOptimized: configuration.data.ebsOptimized ?? false,
            imageId: configuration.data.imageID ?? "",
            instanceType: configuration.data.instanceType ?? "",
            kernelId: configuration.data.kernelID ?? "",
            keyName: configuration.data.keyName ?? "",
            launchConfigurationARN: configuration.arn,
            launchConfigurationName: configuration.name,
            ramdiskId: configuration.data.ramdiskID ?? "",
            securityGroups: configuration.data.securityGroupIDs ?? [],
            userData: configuration.data.userData ?? ""
        )
    }

    static func registerRefreshes(in operations: inout OperationTable, autoScaling: AutoScalingService) {
        operations.on(AutoScaling.StartInstanceRefresh.self) { input, caller in
            if input.desiredConfiguration != nil {
                throw CloudError.refreshConfigurationUnsupported
            }
            let id = try await autoScaling.startInstanceRefresh(
                caller,
                groupName: input.autoScalingGroupName,
                minHealthyPercentage: input.preferences?.minHealthyPercentage,
                instanceWarmup: input.preferences?.instanceWarmup
            )
            return AutoScaling.StartInstanceRefreshAnswer(instanceRefreshId: id)
        }

        operations.on(AutoScaling.DescribeInstanceRefreshes.self) { input, caller in
            let (group, refreshes) = try await autoScaling.describeInstanceRefreshes(
                caller,
                groupName: input.autoScalingGroupName,
                ids: input.instanceRefreshIds
            )
            let page = try autoScaling.context.pageRequest(
                "DescribeInstanceRefreshes",
                caller: caller,
                maxResults: input.maxRecords,
                nextToken: input.nextToken,
                allowed: 1...100,
                parameters: [String(describing: input.autoScalingGroupName), String(describing: input.instanceRefreshIds)]
            )
            let (items, nextToken) = try page.page(of: refreshes)
            return AutoScaling.DescribeInstanceRefreshesAnswer(
                instanceRefreshes: items.map { refresh in
                    AutoScaling.InstanceRefresh(
                        autoScalingGroupName: group.name,
                        endTime: refresh.endTime,
                        instanceRefreshId: refresh.id,
                        instancesToUpdate: max(0, refresh.instancesToUpdate * (100 - refresh.percentageComplete) / 100),
                        percentageComplete: refresh.percentageComplete,
                        preferences: AutoScaling.RefreshPreferences(
                            instanceWarmup: refresh.instanceWarmup,
                            minHealthyPercentage: refresh.minHealthyPercentage
                        ),
                        startTime: refresh.startTime,
                        status: .init(rawValue: refresh.status.rawValue),
                        statusReason: refresh.statusReason,
                        strategy: .init(rawValue: "Rolling")
                    )
                },
                nextToken: nextToken
            )
        }

        operations.on(AutoScaling.CancelInstanceRefresh.self) { input, caller in
            AutoScaling.CancelInstanceRefreshAnswer(
                instanceRefreshId: try await autoScaling.cancelInstanceRefresh(caller, groupName: input.autoScalingGroupName)
            )
        }
    }
}
