import KilnCore
import KilnWire

extension EC2Front {
    /// ListImagesInRecycleBin, RestoreImageFromRecycleBin, ListSnapshotsInRecycleBin and
    /// RestoreSnapshotFromRecycleBin.
    static func registerRecycleBin(in operations: inout OperationTable, cloud: Cloud) {
        registerImagesInRecycleBin(in: &operations, cloud: cloud)
        registerSnapshotsInRecycleBin(in: &operations, cloud: cloud)
    }

    /// ListImagesInRecycleBin and RestoreImageFromRecycleBin.
    static func registerImagesInRecycleBin(in operations: inout OperationTable, cloud: Cloud) {
        operations.on(EC2.ListImagesInRecycleBin.self) { input, caller in
            let page = try cloud.context.pageRequest(
                "ListImagesInRecycleBin",
                caller: caller,
                maxResults: input.maxResults,
                nextToken: input.nextToken,
                allowed: 1...1000,
                parameters: [String(describing: input.imageIds)]
            )
            let (images, nextToken) = try await cloud.recycleBin.imagesInBin(caller, ids: input.imageIds, page: page)
            return EC2.ListImagesInRecycleBinResult(
                images: images.map {
                    EC2.ImageRecycleBinInfo(
                        description: $0.description,
                        imageId: $0.id,
                        name: $0.name,
                        recycleBinEnterTime: $0.recycleBinEnterTime,
                        recycleBinExitTime: $0.recycleBinExitTime
                    )
                },
                nextToken: nextToken
            )
        }

        operations.on(EC2.RestoreImageFromRecycleBin.self) { input, caller in
            try await cloud.recycleBin.restoreImage(caller, id: input.imageId)
            return EC2.RestoreImageFromRecycleBinResult(return: true)
        }
    }

    /// ListSnapshotsInRecycleBin and RestoreSnapshotFromRecycleBin.
    static func registerSnapshotsInRecycleBin(in operations: inout OperationTable, cloud: Cloud) {

        operations.on(EC2.ListSnapshotsInRecycleBin.self) { input, caller in
            let page = try cloud.context.pageRequest(
                "ListSnapshotsInRecycleBin",
                caller: caller,
                maxResults: input.maxResults,
                nextToken: input.nextToken,
                allowed: 5...1000,
                parameters: [String(describing: input.snapshotIds)]
            )
            let (snapshots, nextToken) = try await cloud.recycleBin.snapshotsInBin(caller, ids: input.snapshotIds, page: page)
            return EC2.ListSnapshotsInRecycleBinResult(
                nextToken: nextToken,
                snapshots: snapshots.map {
                    EC2.SnapshotRecycleBinInfo(
                        description: $0.snapshot.description,
                        recycleBinEnterTime: $0.enterTime,
                        recycleBinExitTime: $0.exitTime,
                        snapshotId: $0.id,
                        volumeId: $0.snapshot.volumeID
                    )
                }
            )
        }

        operations.on(EC2.RestoreSnapshotFromRecycleBin.self) { input, caller in
            let snapshot = try await cloud.recycleBin.restoreSnapshot(caller, id: input.snapshotId)
            return EC2.RestoreSnapshotFromRecycleBinResult(
                description: snapshot.description,
                encrypted: snapshot.encrypted,
                ownerId: snapshot.owner.rawValue,
                progress: "\(snapshot.progress)%",
                snapshotId: snapshot.id,
                startTime: snapshot.startTime,
                state: .init(rawValue: snapshot.state.rawValue),
                volumeId: snapshot.volumeID,
                volumeSize: snapshot.volumeSize
            )
        }
    }
}
