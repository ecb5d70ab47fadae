import KilnCore
import KilnWire

extension EC2Front {
    static func registerVolumes(in operations: inout OperationTable, cloud: Cloud) {
        registerVolumeLifecycle(in: &operations, cloud: cloud)
        registerVolumeQueries(in: &operations, cloud: cloud)
        registerVolumeAttachments(in: &operations, cloud: cloud)
    }

    /// CreateVolume.
    static func registerVolumeLifecycle(in operations: inout OperationTable, cloud: Cloud) {
        operations.on(EC2.CreateVolume.self) { input, caller in
            let request = VolumeRequest(
                availabilityZone: input.availabilityZone,
                size: input.size,
                snapshotID: input.snapshotId,
                type: input.volumeType?.rawValue,
                iops: input.iops,
                throughput: input.throughput,
                encrypted: input.encrypted,
                kmsKeyID: input.kmsKeyId,
                multiAttachEnabled: input.multiAttachEnabled,
                tags: try tags(of: input.tagSpecifications, for: "volume"),
                clientToken: input.clientToken
            )
            let (volume, tags) = try await cloud.volumes.createVolume(caller, request)
            return wireVolume(volume, tags: tags)
        }

    }

    /// DescribeVolumes and ModifyVolume.
    static func registerVolumeQueries(in operations: inout OperationTable, cloud: Cloud) {
        operations.on(EC2.DescribeVolumes.self) { input, caller in
            let page = try cloud.context.pageRequest(
                "DescribeVolumes",
                caller: caller,
                maxResults: input.maxResults,
                nextToken: input.nextToken,
                allowed: 5...500,
                parameters: [String(describing: input.volumeIds), String(describing: input.filters)]
            )
            let (volumes, nextToken) = try await cloud.volumes.describeVolumes(
                caller,
                ids: input.volumeIds,
                filters: filters(input.filters),
                page: page
            )
            return EC2.DescribeVolumesResult(nextToken: nextToken, volumes: volumes.map { wireVolume($0.0, tags: $0.1) })
        }

        operations.on(EC2.ModifyVolume.self) { input, caller in
            if input.multiAttachEnabled != nil {
                throw CloudError.multiAttachChangeUnsupported
            }
            let (before, after) = try await cloud.volumes.modifyVolume(
                caller,
                id: input.volumeId,
                size: input.size,
                type: input.volumeType?.rawValue,
                iops: input.iops,
                throughput: input.throughput
            )
            return EC2.ModifyVolumeResult(
                volumeModification: EC2.VolumeModification(
                    endTime: cloud.clock.now,
                    modificationState: .completed,
                    originalIops: before.iops,
                    originalMultiAttachEnabled: before.multiAttachEnabled,
                    originalSize: before.size,
                    originalThroughput: before.throughput,
                    originalVolumeType: .init(rawValue: before.type.rawValue),
                    progress: 100,
                    startTime: cloud.clock.now,
                    targetIops: after.iops,
                    targetMultiAttachEnabled: after.multiAttachEnabled,
                    targetSize: after.size,
                    targetThroughput: after.throughput,
                    targetVolumeType: .init(rawValue: after.type.rawValue),
                    volumeId: after.id
                )
            )
        }
    }

    /// AttachVolume, DetachVolume and DeleteVolume.
    static func registerVolumeAttachments(in operations: inout OperationTable, cloud: Cloud) {
        operations.on(EC2.AttachVolume.self) { input, caller in
            wireAttachment(
                try await cloud.volumes.attachVolume(caller, volumeID: input.volumeId, instanceID: input.instanceId, device: input.device),
                volumeID: input.volumeId
            )
        }
        operations.on(EC2.DetachVolume.self) { input, caller in
            let before = try await cloud.volumes.describeVolumes(caller, ids: [input.volumeId], filters: [], page: .everything())
            _ = try await cloud.volumes.detachVolume(caller, volumeID: input.volumeId, instanceID: input.instanceId)
            guard let volume = before.volumes.first?.0 else { throw CloudError.volumeNotFound([input.volumeId]) }
            var attachment = wireAttachment(volume, volumeID: input.volumeId)
            attachment.state = .init(rawValue: "detaching")
            return attachment
        }

        operations.on(EC2.DeleteVolume.self) { input, caller in
            try await cloud.volumes.deleteVolume(caller, id: input.volumeId)
            return EmptyOutput()
        }
    }

    static func wireVolume(_ volume: Volume, tags: [Tag]) -> EC2.Volume {
        EC2.Volume(
            attachments: volume.attachment.map { attachment in
                [
                    EC2.VolumeAttachment(
                        attachTime: attachment.attachTime,
                        deleteOnTermination: attachment.deleteOnTermination,
                        device: attachment.device,
                        instanceId: attachment.instanceID,
                        state: .init(rawValue: "attached"),
                        volumeId: volume.id
                    )
                ]
            } ?? [],
            availabilityZone: volume.availabilityZone,
            createTime: volume.createTime,
            encrypted: volume.encrypted,
            iops: volume.iops,
            kmsKeyId: volume.kmsKeyID,
            multiAttachEnabled: volume.multiAttachEnabled,
            size: volume.size,
            snapshotId: volume.snapshotID ?? "",
            state: .init(rawValue: volume.state.rawValue),
            tags: wireTags(tags),
            throughput: volume.throughput,
            volumeId: volume.id,
            volumeType: .init(rawValue: volume.type.rawValue)
        )
    }

    static func wireAttachment(_ volume: Volume, volumeID: String) -> EC2.VolumeAttachment {
        EC2.VolumeAttachment(
            attachTime: volume.attachment?.attachTime,
            deleteOnTermination: volume.attachment?.deleteOnTermination,
            device: volume.attachment?.device,
            instanceId: volume.attachment?.instanceID,
            state: .init(rawValue: volume.attachment == nil ? "detached" : "attaching"),
            volumeId: volumeID
        )
    }
}
