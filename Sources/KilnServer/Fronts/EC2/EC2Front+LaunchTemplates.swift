import Foundation
import KilnCore
import KilnWire

extension EC2Front {
    static func registerLaunchTemplates(in operations: inout OperationTable, cloud: Cloud) {
        registerLaunchTemplateCreation(in: &operations, cloud: cloud)
        registerLaunchTemplateQueries(in: &operations, cloud: cloud)
        registerLaunchTemplateChanges(in: &operations, cloud: cloud)
    }

    /// Creating launch templates and their versions.
    static func registerLaunchTemplateCreation(in operations: inout OperationTable, cloud: Cloud) {
        operations.on(EC2.CreateLaunchTemplate.self) { input, caller in
            let template = try await cloud.launchTemplates.createLaunchTemplate(
                caller,
                name: input.launchTemplateName,
                versionDescription: input.versionDescription,
                data: try templateData(input.launchTemplateData),
                tags: try tags(of: input.tagSpecifications, for: "launch-template"),
                clientToken: input.clientToken
            )
            return EC2.CreateLaunchTemplateResult(launchTemplate: wireTemplate(template, tags: []))
        }

        operations.on(EC2.CreateLaunchTemplateVersion.self) { input, caller in
            let (template, version) = try await cloud.launchTemplates.createLaunchTemplateVersion(
                caller,
                id: input.launchTemplateId,
                name: input.launchTemplateName,
                sourceVersion: input.sourceVersion,
                versionDescription: input.versionDescription,
                data: try templateData(input.launchTemplateData)
            )
            return EC2.CreateLaunchTemplateVersionResult(launchTemplateVersion: wireVersion(version, of: template, resolvedImageID: nil))
        }

    }

    /// Describing launch templates and their versions.
    static func registerLaunchTemplateQueries(in operations: inout OperationTable, cloud: Cloud) {
        operations.on(EC2.DescribeLaunchTemplates.self) { input, caller in
            let page = try cloud.context.pageRequest(
                "DescribeLaunchTemplates",
                caller: caller,
                maxResults: input.maxResults,
                nextToken: input.nextToken,
                allowed: 1...200,
                parameters: [
                    String(describing: input.launchTemplateIds), String(describing: input.launchTemplateNames), String(describing: input.filters),
                ]
            )
            let (templates, nextToken) = try await cloud.launchTemplates.describeLaunchTemplates(
                caller,
                ids: input.launchTemplateIds,
                names: input.launchTemplateNames,
                filters: filters(input.filters),
                page: page
            )
            return EC2.DescribeLaunchTemplatesResult(launchTemplates: templates.map { wireTemplate($0.0, tags: $0.1) }, nextToken: nextToken)
        }

        operations.on(EC2.DescribeLaunchTemplateVersions.self) { input, caller in
            let page = try cloud.context.pageRequest(
                "DescribeLaunchTemplateVersions",
                caller: caller,
                maxResults: input.maxResults,
                nextToken: input.nextToken,
                allowed: 1...200,
                parameters: [
                    String(describing: input.launchTemplateId), String(describing: input.launchTemplateName), String(describing: input.versions),
                    String(describing: input.minVersion), String(describing: input.maxVersion), String(describing: input.filters),
                    String(describing: input.resolveAlias),
                ]
            )
            let (versions, nextToken) = try await cloud.launchTemplates.describeLaunchTemplateVersions(
                caller,
                id: input.launchTemplateId,
                name: input.launchTemplateName,
                versions: input.versions,
                minVersion: input.minVersion.flatMap { Int($0) },
                maxVersion: input.maxVersion.flatMap { Int($0) },
                page: page
            )
            var wire: [EC2.LaunchTemplateVersion] = []
            for (template, version) in versions {
                var resolved: String?
                if input.resolveAlias == true, let imageID = version.data.imageID, imageID.hasPrefix("resolve:ssm:") {
                    resolved = try await cloud.instances.resolveImageAlias(caller, imageID)
                }
                wire.append(wireVersion(version, of: template, resolvedImageID: resolved))
            }
            return EC2.DescribeLaunchTemplateVersionsResult(launchTemplateVersions: wire, nextToken: nextToken)
        }
    }

    /// Changing and deleting launch templates and versions, and GetLaunchTemplateData.
    static func registerLaunchTemplateChanges(in operations: inout OperationTable, cloud: Cloud) {
        operations.on(EC2.ModifyLaunchTemplate.self) { input, caller in
            let template = try await cloud.launchTemplates.modifyLaunchTemplate(
                caller,
                id: input.launchTemplateId,
                name: input.launchTemplateName,
                defaultVersion: input.defaultVersion
            )
            return EC2.ModifyLaunchTemplateResult(launchTemplate: wireTemplate(template, tags: []))
        }

        operations.on(EC2.DeleteLaunchTemplate.self) { input, caller in
            let template = try await cloud.launchTemplates.deleteLaunchTemplate(caller, id: input.launchTemplateId, name: input.launchTemplateName)
            return EC2.DeleteLaunchTemplateResult(launchTemplate: wireTemplate(template, tags: []))
        }

        operations.on(EC2.DeleteLaunchTemplateVersions.self) { input, caller in
            let (template, deleted, failed) = try await cloud.launchTemplates.deleteLaunchTemplateVersions(
                caller,
                id: input.launchTemplateId,
                name: input.launchTemplateName,
                versions: input.versions
            )
            return EC2.DeleteLaunchTemplateVersionsResult(
                successfullyDeletedLaunchTemplateVersions: deleted.map {
                    EC2.DeleteLaunchTemplateVersionsResponseSuccessItem(
                        launchTemplateId: template.id,
                        launchTemplateName: template.name,
                        versionNumber: $0
                    )
                },
                unsuccessfullyDeletedLaunchTemplateVersions: failed.map { failure in
                    EC2.DeleteLaunchTemplateVersionsResponseErrorItem(
                        launchTemplateId: template.id,
                        launchTemplateName: template.name,
                        responseError: EC2.ResponseError(code: .init(rawValue: failure.code), message: failure.message),
                        versionNumber: Int(failure.version)
                    )
                }
            )
        }

        operations.on(EC2.GetLaunchTemplateData.self) { input, caller in
            EC2.GetLaunchTemplateDataResult(
                launchTemplateData: wireTemplateData(
                    try await cloud.launchTemplates.launchTemplateData(caller, instanceID: input.instanceId),
                    resolvedImageID: nil
                )
            )
        }
    }

    /// The domain's launch parameters from a template request's.
    static func templateData(_ wire: EC2.RequestLaunchTemplateData) throws -> LaunchTemplateData {
        var data = LaunchTemplateData()
        data.imageID = wire.imageId
        data.instanceType = wire.instanceType?.rawValue
        data.keyName = wire.keyName
        data.iamInstanceProfile = wire.iamInstanceProfile.map { InstanceProfileSpecification(arn: $0.arn, name: $0.name) }
        data.userData = wire.userData
        data.availabilityZone = wire.placement?.availabilityZone
        data.mappings = wire.blockDeviceMappings?.map { mapping in
            ImageRegistration.Mapping(
                deviceName: mapping.deviceName,
                virtualName: mapping.virtualName,
                noDevice: mapping.noDevice != nil,
                snapshotID: mapping.ebs?.snapshotId,
                volumeSize: mapping.ebs?.volumeSize,
                volumeType: mapping.ebs?.volumeType?.rawValue,
                deleteOnTermination: mapping.ebs?.deleteOnTermination,
                encrypted: mapping.ebs?.encrypted,
                kmsKeyID: mapping.ebs?.kmsKeyId,
                iops: mapping.ebs?.iops,
                throughput: mapping.ebs?.throughput
            )
        }
        data.tags = try tagsByType(
            wire.tagSpecifications?.map { EC2.TagSpecification(resourceType: $0.resourceType, tags: $0.tags) },
            allowed: ["instance", "volume"]
        )
        data.disableApiTermination = wire.disableApiTermination
        data.disableApiStop = wire.disableApiStop
        data.shutdownBehavior = wire.instanceInitiatedShutdownBehavior?.rawValue
        data.ebsOptimized = wire.ebsOptimized
        data.securityGroupIDs = wire.securityGroupIds
        data.securityGroupNames = wire.securityGroups
        data.networkInterfaces = wire.networkInterfaces?.map { interface in
            LaunchNetworkInterface(
                deviceIndex: interface.deviceIndex,
                subnetID: interface.subnetId,
                groups: interface.groups,
                associatePublicIPAddress: interface.associatePublicIpAddress,
                privateIPAddress: interface.privateIpAddress,
                deleteOnTermination: interface.deleteOnTermination,
                description: interface.description,
                networkInterfaceID: interface.networkInterfaceId
            )
        }
        data.kernelID = wire.kernelId
        data.ramdiskID = wire.ramDiskId
        data.metadataOptions = metadataChange(wire.metadataOptions)
        return data
    }

    /// A template version's launch parameters as the wire shows them.
    static func wireTemplateData(_ data: LaunchTemplateData, resolvedImageID: String?) -> EC2.ResponseLaunchTemplateData {
        EC2.ResponseLaunchTemplateData(
            blockDeviceMappings: data.mappings?.map { mapping in
                EC2.LaunchTemplateBlockDeviceMapping(
                    deviceName: mapping.deviceName,
                    ebs: mapping.noDevice || mapping.virtualName != nil
                        ? nil
                        : EC2.LaunchTemplateEbsBlockDevice(
                            deleteOnTermination: mapping.deleteOnTermination,
                            encrypted: mapping.encrypted,
                            iops: mapping.iops,
                            kmsKeyId: mapping.kmsKeyID,
                            snapshotId: mapping.snapshotID,
                            throughput: mapping.throughput,
                            volumeSize: mapping.volumeSize,
                            volumeType: mapping.volumeType.map { .init(rawValue: $0) }
                        ),
                    noDevice: mapping.noDevice ? "" : nil,
                    virtualName: mapping.virtualName
                )
            },
            disableApiStop: data.disableApiStop,
            disableApiTermination: data.disableApiTermination,
            ebsOptimized: data.ebsOptimized,
            iamInstanceProfile: data.iamInstanceProfile.map { EC2.LaunchTemplateIamInstanceProfileSpecification(arn: $0.arn, name: $0.name) },
            imageId: resolvedImageID ?? data.imageID,
            instanceInitiatedShutdownBehavior: data.shutdownBehavior.map { .init(rawValue: $0) },
            instanceType: data.instanceType.map { .init(rawValue: $0) },
            kernelId: data.kernelID,
            keyName: data.keyName,
            metadataOptions: data.metadataOptions.map(wireTemplateMetadataOptions),
            networkInterfaces: data.networkInterfaces?.map { interface in
                EC2.LaunchTemplateInstanceNetworkInterfaceSpecification(
                    associatePublicIpAddress: interface.associatePublicIPAddress,
                    deleteOnTermination: interface.deleteOnTermination,
                    description: interface.description,
                    deviceIndex: interface.deviceIndex,
                    groups: interface.groups,
                    networkInterfaceId: interface.networkInterfaceID,
                    privateIpAddress: interface.privateIPAddress,
                    subnetId: interface.subnetID
                )
            },
            placement: data.availabilityZone.map { EC2.LaunchTemplatePlacement(availabilityZone: $0) },
            ramDiskId: data.ramdiskID,
            securityGroupIds: data.securityGroupIDs,
            securityGroups: data.securityGroupNames,
            tagSpecifications: data.tags.map { tags in
                tags.keys.sorted().map { EC2.LaunchTemplateTagSpecification(resourceType: .init(rawValue: $0), tags: wireTags(tags[$0] ?? [])) }
            },
            userData: data.userData
        )
    }

    static func wireTemplate(_ template: LaunchTemplate, tags: [Tag]) -> EC2.LaunchTemplate {
        EC2.LaunchTemplate(
            createTime: template.createTime,
            createdBy: template.createdBy,
            defaultVersionNumber: template.defaultVersion,
            latestVersionNumber: template.latestVersion,
            launchTemplateId: template.id,
            launchTemplateName: template.name,
            tags: wireTags(tags)
        )
    }

    static func wireVersion(_ version: LaunchTemplate.Version, of template: LaunchTemplate, resolvedImageID: String?) -> EC2.LaunchTemplateVersion {
        EC2.LaunchTemplateVersion(
            createTime: version.createTime,
            createdBy: version.createdBy,
            defaultVersion: version.number == template.defaultVersion,
            launchTemplateData: wireTemplateData(version.data, resolvedImageID: resolvedImageID),
            launchTemplateId: template.id,
            launchTemplateName: template.name,
            versionDescription: version.description,
            versionNumber: version.number
        )
    }
}
