import KilnCore
import KilnWire

extension EC2Front {
    /// ModifySnapshotTier, RestoreSnapshotTier and DescribeSnapshotTierStatus: the archive tier.
    static func registerSnapshotTiers(in operations: inout OperationTable, cloud: Cloud) {
        operations.on(EC2.ModifySnapshotTier.self) { input, caller in
            let started = try await cloud.snapshots.modifySnapshotTier(caller, snapshotID: input.snapshotId, storageTier: input.storageTier?.rawValue)
            return EC2.ModifySnapshotTierResult(snapshotId: input.snapshotId, tieringStartTime: started)
        }

        operations.on(EC2.RestoreSnapshotTier.self) { input, caller in
            let snapshot = try await cloud.snapshots.restoreSnapshotTier(
                caller,
                snapshotID: input.snapshotId,
                temporaryDays: input.temporaryRestoreDays,
                permanent: input.permanentRestore ?? false
            )
            let permanent = input.permanentRestore ?? false
            return EC2.RestoreSnapshotTierResult(
                isPermanentRestore: permanent,
                restoreDuration: permanent ? nil : input.temporaryRestoreDays,
                restoreStartTime: snapshot.tiering?.operationStart,
                snapshotId: snapshot.id
            )
        }

        operations.on(EC2.DescribeSnapshotTierStatus.self) { input, caller in
            let page = try cloud.context.pageRequest(
                "DescribeSnapshotTierStatus",
                caller: caller,
                maxResults: input.maxResults,
                nextToken: input.nextToken,
                allowed: 5...1000,
                parameters: [String(describing: input.filters)]
            )
            let (snapshots, nextToken) = try await cloud.snapshots.snapshotTierStatus(caller, filters: filters(input.filters), page: page)
            return EC2.DescribeSnapshotTierStatusResult(
                nextToken: nextToken,
                snapshotTierStatuses: snapshots.map { snapshot, tags in
                    EC2.SnapshotTierStatus(
                        archivalCompleteTime: snapshot.tiering?.archivalCompleteTime,
                        lastTieringOperationStatus: snapshot.tiering.map { .init(rawValue: $0.operation.rawValue) },
                        lastTieringProgress: snapshot.tiering?.progress,
                        lastTieringStartTime: snapshot.tiering?.operationStart,
                        ownerId: snapshot.owner.rawValue,
                        restoreExpiryTime: snapshot.tiering?.restoreExpiryTime,
                        snapshotId: snapshot.id,
                        status: .init(rawValue: snapshot.state.rawValue),
                        storageTier: .init(rawValue: snapshot.storageTier.rawValue),
                        tags: wireTags(tags),
                        volumeId: snapshot.volumeID
                    )
                }
            )
        }
    }
}
