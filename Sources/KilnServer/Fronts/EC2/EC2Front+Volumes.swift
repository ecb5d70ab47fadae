import KilnCore
import KilnWire

extension EC2Front {
    static func registerVolumes(in operations: inout OperationTable, cloud: Cloud) {
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
                tags: try tags(of: input.tagSpecifications, for: "volume")
            )
            let (volume, tags) = try await cloud.createVolume(caller, request)
            return wireVolume(volume, tags: tags)
        }

        operations.on(EC2.DescribeVolumes.self) { input, caller in
            let page = try PageRequest(maxResults: input.maxResults, nextToken: input.nextToken, allowed: 5...500)
            let (volumes, nextToken) = try await cloud.describeVolumes(caller, ids: input.volumeIds, filters: filters(input.filters), page: page)
            return EC2.DescribeVolumesResult(nextToken: nextToken, volumes: volumes.map { wireVolume($0.0, tags: $0.1) })
        }

        operations.on(EC2.DeleteVolume.self) { input, caller in
            try await cloud.deleteVolume(caller, id: input.volumeId)
            return EmptyOutput()
        }
    }

    static func wireVolume(_ volume: Volume, tags: [Tag]) -> EC2.Volume {
        EC2.Volume(
            attachments: [],
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
}
