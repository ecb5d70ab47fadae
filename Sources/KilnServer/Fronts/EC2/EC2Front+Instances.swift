import Foundation
import KilnCore
import KilnWire

extension EC2Front {
    static func registerInstances(in operations: inout OperationTable, cloud: Cloud) {
        registerInstanceLifecycle(in: &operations, cloud: cloud)
        registerInstanceQueries(in: &operations, cloud: cloud)
        registerInstanceStateChanges(in: &operations, cloud: cloud)
        registerInstanceStatus(in: &operations, cloud: cloud)
    }

    /// RunInstances.
    static func registerInstanceLifecycle(in operations: inout OperationTable, cloud: Cloud) {
        operations.on(EC2.RunInstances.self) { input, caller in
            var data = LaunchTemplateData()
            data.imageID = input.imageId
            data.instanceType = input.instanceType?.rawValue
            data.keyName = input.keyName
            data.iamInstanceProfile = input.iamInstanceProfile.map { InstanceProfileSpecification(arn: $0.arn, name: $0.name) }
            data.userData = input.userData
            // SDKs that build Placement from a config send an empty zone for none.
            data.availabilityZone = input.placement?.availabilityZone.flatMap { $0.isEmpty ? nil : $0 }
            data.mappings = input.blockDeviceMappings.map { $0.map(mapping) }
            data.tags = try tagsByType(input.tagSpecifications, allowed: ["instance", "volume"])
            data.disableApiTermination = input.disableApiTermination
            data.disableApiStop = input.disableApiStop
            data.shutdownBehavior = input.instanceInitiatedShutdownBehavior?.rawValue
            data.ebsOptimized = input.ebsOptimized
            data.securityGroupIDs = input.securityGroupIds
            data.securityGroupNames = input.securityGroups
            data.subnetID = input.subnetId.flatMap { $0.isEmpty ? nil : $0 }
            data.privateIPAddress = input.privateIpAddress
            data.networkInterfaces = input.networkInterfaces.map { $0.map(launchInterface) }
            data.kernelID = input.kernelId
            data.ramdiskID = input.ramdiskId
            data.metadataOptions = metadataChange(input.metadataOptions)
            let template = input.launchTemplate.map {
                LaunchRequest.TemplateSpecifier(id: $0.launchTemplateId, name: $0.launchTemplateName, version: $0.version)
            }
            let request = LaunchRequest(
                data: data,
                minCount: input.minCount,
                maxCount: input.maxCount,
                clientToken: input.clientToken,
                template: template
            )
            return wireReservation(try await cloud.instances.runInstances(caller, request), cloud: cloud)
        }
    }

    /// DescribeInstances.
    static func registerInstanceQueries(in operations: inout OperationTable, cloud: Cloud) {
        operations.on(EC2.DescribeInstances.self) { input, caller in
            let page = try cloud.context.pageRequest(
                "DescribeInstances",
                caller: caller,
                maxResults: input.maxResults,
                nextToken: input.nextToken,
                allowed: 5...1000,
                parameters: [String(describing: input.filters), String(describing: input.instanceIds)]
            )
            let (reservations, nextToken) = try await cloud.instances.describeInstances(
                caller,
                ids: input.instanceIds,
                filters: filters(input.filters),
                page: page
            )
            return EC2.DescribeInstancesResult(nextToken: nextToken, reservations: reservations.map { wireReservation($0, cloud: cloud) })
        }
    }

    /// StopInstances, StartInstances, RebootInstances and TerminateInstances.
    static func registerInstanceStateChanges(in operations: inout OperationTable, cloud: Cloud) {
        operations.on(EC2.StopInstances.self) { input, caller in
            EC2.StopInstancesResult(
                stoppingInstances: try await cloud.instances.stopInstances(caller, ids: input.instanceIds, force: input.force ?? false).map(
                    wireStateChange
                )
            )
        }
        operations.on(EC2.StartInstances.self) { input, caller in
            EC2.StartInstancesResult(startingInstances: try await cloud.instances.startInstances(caller, ids: input.instanceIds).map(wireStateChange))
        }
        operations.on(EC2.RebootInstances.self) { input, caller in
            try await cloud.instances.rebootInstances(caller, ids: input.instanceIds)
            return EmptyOutput()
        }
        operations.on(EC2.TerminateInstances.self) { input, caller in
            EC2.TerminateInstancesResult(
                terminatingInstances: try await cloud.instances.terminateInstances(caller, ids: input.instanceIds).map(wireStateChange)
            )
        }
    }

    /// DescribeInstanceStatus, DescribeInstanceTypes and DescribeInstanceTypeOfferings.
    static func registerInstanceStatus(in operations: inout OperationTable, cloud: Cloud) {
        operations.on(EC2.DescribeInstanceStatus.self) { input, caller in
            let page = try cloud.context.pageRequest(
                "DescribeInstanceStatus",
                caller: caller,
                maxResults: input.maxResults,
                nextToken: input.nextToken,
                allowed: 5...1000,
                parameters: [String(describing: input.filters), String(describing: input.instanceIds), String(describing: input.includeAllInstances)]
            )
            let instances = try await cloud.instances.describeInstanceStatus(
                caller,
                ids: input.instanceIds,
                includeAll: input.includeAllInstances ?? false,
                filters: filters(input.filters)
            )
            let (items, nextToken) = try page.page(of: instances)
            return EC2.DescribeInstanceStatusResult(instanceStatuses: items.map(wireStatus), nextToken: nextToken)
        }

        operations.on(EC2.DescribeInstanceTypes.self) { input, caller in
            let (items, nextToken) = try await cloud.instances.describeInstanceTypes(
                caller,
                names: input.instanceTypes?.map(\.rawValue),
                filters: filters(input.filters),
                page: cloud.context.pageRequest(
                    "DescribeInstanceTypes",
                    caller: caller,
                    maxResults: input.maxResults,
                    nextToken: input.nextToken,
                    allowed: 5...100,
                    parameters: [String(describing: input.filters), String(describing: input.instanceTypes)]
                )
            )
            return EC2.DescribeInstanceTypesResult(instanceTypes: items.map(wireInstanceType), nextToken: nextToken)
        }
        registerInstanceTypeOfferings(in: &operations, cloud: cloud)
    }

    /// DescribeInstanceTypeOfferings: where each instance type is offered.
    static func registerInstanceTypeOfferings(in operations: inout OperationTable, cloud: Cloud) {
        operations.on(EC2.DescribeInstanceTypeOfferings.self) { input, caller in
            let (items, nextToken) = try await cloud.instances.describeInstanceTypeOfferings(
                caller,
                locationType: input.locationType?.rawValue,
                filters: filters(input.filters),
                page: cloud.context.pageRequest(
                    "DescribeInstanceTypeOfferings",
                    caller: caller,
                    maxResults: input.maxResults,
                    nextToken: input.nextToken,
                    allowed: 5...1000,
                    parameters: [String(describing: input.filters), String(describing: input.locationType)]
                )
            )
            return EC2.DescribeInstanceTypeOfferingsResult(
                instanceTypeOfferings: items.map { offering in
                    EC2.InstanceTypeOffering(
                        instanceType: .init(rawValue: offering.instanceType),
                        location: offering.location,
                        locationType: .init(rawValue: offering.locationType)
                    )
                },
                nextToken: nextToken
            )
        }
    }

    /// An instance's status checks as DescribeInstanceStatus shows them.
    static func wireStatus(_ status: (instance: Instance, health: InstanceHealth)) -> EC2.InstanceStatus {
        func summary(_ verdict: InstanceHealth.Verdict) -> EC2.InstanceStatusSummary {
            let detail: String? =
                switch verdict {
                case .ok: "passed"
                case .impaired: "failed"
                case .initializing: "initializing"
                case .insufficientData: "insufficient-data"
                case .notApplicable: nil
                }
            return EC2.InstanceStatusSummary(
                details: detail.map { [EC2.InstanceStatusDetails(name: .init(rawValue: "reachability"), status: .init(rawValue: $0))] },
                status: .init(rawValue: verdict.rawValue)
            )
        }
        return EC2.InstanceStatus(
            availabilityZone: status.instance.availabilityZone,
            instanceId: status.instance.id,
            instanceState: wireState(status.instance.state),
            instanceStatus: summary(status.health.instance),
            systemStatus: summary(status.health.system)
        )
    }

    static func wireInstanceType(_ type: InstanceTypeInfo) -> EC2.InstanceTypeInfo {
        EC2.InstanceTypeInfo(
            currentGeneration: type.currentGeneration,
            hypervisor: type.hypervisor.isEmpty ? nil : .init(rawValue: type.hypervisor),
            instanceStorageInfo: type.instanceStorageGB.map { EC2.InstanceStorageInfo(totalSizeInGB: $0) },
            instanceStorageSupported: type.instanceStorageGB != nil,
            instanceType: .init(rawValue: type.name),
            memoryInfo: EC2.MemoryInfo(sizeInMiB: type.memoryMiB),
            processorInfo: EC2.ProcessorInfo(supportedArchitectures: type.architectures.map { .init(rawValue: $0) }),
            supportedBootModes: type.bootModes.map { .init(rawValue: $0) },
            supportedRootDeviceTypes: type.instanceStorageGB == nil
                ? [.init(rawValue: "ebs")] : [.init(rawValue: "ebs"), .init(rawValue: "instance-store")],
            supportedVirtualizationTypes: type.hypervisor == "xen"
                ? [.init(rawValue: "hvm"), .init(rawValue: "paravirtual")] : [.init(rawValue: "hvm")],
            vCpuInfo: EC2.VCpuInfo(defaultVCpus: type.vCPUs)
        )
    }

    static func wireState(_ state: Instance.State) -> EC2.InstanceState {
        EC2.InstanceState(code: state.code, name: .init(rawValue: state.rawValue))
    }

    static func wireStateChange(_ change: InstanceStateChange) -> EC2.InstanceStateChange {
        EC2.InstanceStateChange(currentState: wireState(change.current), instanceId: change.instanceID, previousState: wireState(change.previous))
    }

    static func wireReservation(_ reservation: Reservation, cloud: Cloud) -> EC2.Reservation {
        EC2.Reservation(
            groups: [],
            instances: reservation.instances.map { wireInstance($0, tags: reservation.tags[$0.id] ?? []) },
            ownerId: reservation.owner.rawValue,
            reservationId: reservation.id
        )
    }

    static func wireInstance(_ instance: Instance, tags: [Tag]) -> EC2.Instance {
        let running = instance.state != .terminated && instance.state != .shuttingDown
        var wire = EC2.Instance(
            amiLaunchIndex: instance.launchIndex,
            architecture: .init(rawValue: instance.architecture),
            blockDeviceMappings: instance.devices.map { device in
                EC2.InstanceBlockDeviceMapping(
                    deviceName: device.deviceName,
                    ebs: EC2.EbsInstanceBlockDevice(
                        attachTime: device.attachTime,
                        deleteOnTermination: device.deleteOnTermination,
                        status: .init(rawValue: "attached"),
                        volumeId: device.volumeID
                    )
                )
            },
            bootMode: instance.bootMode.map { .init(rawValue: $0) },
            clientToken: instance.clientToken,
            ebsOptimized: instance.ebsOptimized,
            enaSupport: instance.enaSupport,
            hypervisor: .init(rawValue: instance.hypervisor),
            iamInstanceProfile: instance.iamInstanceProfile.map { EC2.IamInstanceProfile(arn: $0.arn, id: $0.id) },
            imageId: instance.imageID,
            instanceId: instance.id,
            instanceType: .init(rawValue: instance.instanceType),
            kernelId: instance.kernelID,
            keyName: instance.keyName,
            launchTime: instance.launchTime,
            metadataOptions: wireMetadataOptions(instance.metadataOptionsInForce),
            monitoring: EC2.Monitoring(state: .init(rawValue: "disabled")),
            placement: EC2.Placement(availabilityZone: instance.availabilityZone, groupName: "", tenancy: .init(rawValue: "default")),
            platform: instance.platform.map { .init(rawValue: $0) },
            platformDetails: instance.platformDetails,
            privateDnsName: running ? instance.privateDNSName : "",
            privateIpAddress: running ? instance.privateIPAddress : nil,
            productCodes: instance.productCodes.map(wireProductCode),
            publicDnsName: "",
            ramdiskId: instance.ramdiskID,
            rootDeviceName: instance.rootDeviceName,
            rootDeviceType: .init(rawValue: instance.rootDeviceType),
            securityGroups: instance.securityGroupIDs.map { EC2.GroupIdentifier(groupId: $0) },
            state: wireState(instance.state),
            stateReason: instance.stateReason.map { EC2.StateReason(code: $0.code, message: $0.message) },
            stateTransitionReason: instance.stateTransitionReason,
            tags: wireTags(tags),
            usageOperation: instance.usageOperation,
            virtualizationType: .init(rawValue: instance.virtualizationType)
        )
        applyNetwork(of: instance, to: &wire)
        return wire
    }
}
