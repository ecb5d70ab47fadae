import KilnCore
import KilnWire

extension EC2Front {
    static func registerSnapshots(in operations: inout OperationTable, cloud: Cloud) {
        registerSnapshotLifecycle(in: &operations, cloud: cloud)
        registerEncryptionDefaults(in: &operations, cloud: cloud)
        registerInstanceSnapshots(in: &operations, cloud: cloud)
        registerSnapshotTiers(in: &operations, cloud: cloud)
        registerRecycleBin(in: &operations, cloud: cloud)
    }

    /// CreateSnapshot, DescribeSnapshots, DeleteSnapshot and CopySnapshot.
    static func registerSnapshotLifecycle(in operations: inout OperationTable, cloud: Cloud) {
        operations.on(EC2.CreateSnapshot.self) { input, caller in
            let (snapshot, tags) = try await cloud.snapshots.createSnapshot(
                caller,
                volumeID: input.volumeId,
                description: input.description,
                tags: try tags(of: input.tagSpecifications, for: "snapshot")
            )
            return wireSnapshot(snapshot, tags: tags)
        }

        operations.on(EC2.DescribeSnapshots.self) { input, caller in
            let page = try cloud.context.pageRequest(
                "DescribeSnapshots",
                caller: caller,
                maxResults: input.maxResults,
                nextToken: input.nextToken,
                allowed: 5...1000,
                parameters: [
                    String(describing: input.snapshotIds), String(describing: input.ownerIds), String(describing: input.restorableByUserIds),
                    String(describing: input.filters),
                ]
            )
            let (snapshots, nextToken) = try await cloud.snapshots.describeSnapshots(
                caller,
                ids: input.snapshotIds,
                owners: input.ownerIds,
                restorableBy: input.restorableByUserIds,
                filters: filters(input.filters),
                page: page
            )
            return EC2.DescribeSnapshotsResult(nextToken: nextToken, snapshots: snapshots.map { wireSnapshot($0.0, tags: $0.1) })
        }

        operations.on(EC2.DeleteSnapshot.self) { input, caller in
            try await cloud.snapshots.deleteSnapshot(caller, id: input.snapshotId)
            return EmptyOutput()
        }

        operations.on(EC2.CopySnapshot.self) { input, caller in
            let tags = try tags(of: input.tagSpecifications, for: "snapshot")
            let id = try await cloud.snapshots.copySnapshot(
                caller,
                sourceRegion: input.sourceRegion,
                sourceSnapshotID: input.sourceSnapshotId,
                description: input.description,
                encrypted: input.encrypted,
                kmsKeyID: input.kmsKeyId,
                tags: tags
            )
            return EC2.CopySnapshotResult(snapshotId: id, tags: wireTags(tags))
        }
    }

    /// EBS encryption by default and the default KMS key.
    static func registerEncryptionDefaults(in operations: inout OperationTable, cloud: Cloud) {
        operations.on(EC2.GetEbsEncryptionByDefault.self) { _, caller in
            EC2.GetEbsEncryptionByDefaultResult(
                ebsEncryptionByDefault: try await cloud.accountSettings.ebsEncryptionByDefault(caller, set: nil),
                sseType: .sseEbs
            )
        }
        operations.on(EC2.EnableEbsEncryptionByDefault.self) { _, caller in
            EC2.EnableEbsEncryptionByDefaultResult(ebsEncryptionByDefault: try await cloud.accountSettings.ebsEncryptionByDefault(caller, set: true))
        }
        operations.on(EC2.DisableEbsEncryptionByDefault.self) { _, caller in
            EC2.DisableEbsEncryptionByDefaultResult(
                ebsEncryptionByDefault: try await cloud.accountSettings.ebsEncryptionByDefault(caller, set: false)
            )
        }
        operations.on(EC2.GetEbsDefaultKmsKeyId.self) { _, caller in
            EC2.GetEbsDefaultKmsKeyIdResult(kmsKeyId: try await cloud.accountSettings.ebsDefaultKMSKey(caller, .keep))
        }
        operations.on(EC2.ModifyEbsDefaultKmsKeyId.self) { input, caller in
            EC2.ModifyEbsDefaultKmsKeyIdResult(kmsKeyId: try await cloud.accountSettings.ebsDefaultKMSKey(caller, .set(input.kmsKeyId)))
        }
        operations.on(EC2.ResetEbsDefaultKmsKeyId.self) { _, caller in
            EC2.ResetEbsDefaultKmsKeyIdResult(kmsKeyId: try await cloud.accountSettings.ebsDefaultKMSKey(caller, .reset))
        }
    }

    static func wireSnapshot(_ snapshot: Snapshot, tags: [Tag]) -> EC2.Snapshot {
        EC2.Snapshot(
            completionTime: snapshot.completionTime,
            description: snapshot.description,
            encrypted: snapshot.encrypted,
            fullSnapshotSizeInBytes: snapshot.storage.map { Int($0.logicalBytes) },
            kmsKeyId: snapshot.kmsKeyID,
            ownerId: snapshot.owner.rawValue,
            progress: "\(snapshot.progress)%",
            restoreExpiryTime: snapshot.tiering?.restoreExpiryTime,
            snapshotId: snapshot.id,
            startTime: snapshot.startTime,
            state: .init(rawValue: snapshot.state.rawValue),
            stateMessage: snapshot.stateMessage,
            storageTier: .init(rawValue: snapshot.storageTier.rawValue),
            tags: wireTags(tags),
            volumeId: snapshot.volumeID,
            volumeSize: snapshot.volumeSize
        )
    }
}
