import Foundation
import KilnCore
import KilnWire

/// The EBS direct APIs (REST-JSON): upload snapshots block by block and read them back.
enum EBSFront {
    /// The EBS front over `snapshots`.
    static func make(snapshots: SnapshotService) -> RESTJSONFront {
        var operations = OperationTable()
        registerUploads(in: &operations, snapshots: snapshots)
        registerReads(in: &operations, snapshots: snapshots)
        return RESTJSONFront(signingName: EBS.signingName, modeledErrors: EBS.modeledErrors, operations: operations)
    }

    /// StartSnapshot, PutSnapshotBlock and CompleteSnapshot: an upload, block by block.
    static func registerUploads(in operations: inout OperationTable, snapshots: SnapshotService) {
        operations.on(EBS.StartSnapshot.self) { input, caller in
            let (snapshot, tags) = try await snapshots.startSnapshot(
                caller,
                DirectUploadRequest(
                    volumeSize: input.volumeSize,
                    parentSnapshotID: input.parentSnapshotId,
                    encrypted: input.encrypted,
                    kmsKeyARN: input.kmsKeyArn,
                    timeoutMinutes: input.timeout,
                    clientToken: input.clientToken,
                    description: input.description,
                    tags: (input.tags ?? []).map { Tag(key: $0.key ?? "", value: $0.value ?? "") }
                )
            )
            return EBS.StartSnapshotResponse(
                blockSize: Block.size,
                description: snapshot.description,
                kmsKeyArn: snapshot.kmsKeyID,
                ownerId: snapshot.owner.rawValue,
                parentSnapshotId: snapshot.parentID,
                snapshotId: snapshot.id,
                sseType: snapshot.encrypted ? .sseKms : EBS.SSEType.none,
                startTime: snapshot.startTime,
                status: .init(rawValue: snapshot.state.rawValue),
                tags: tags.isEmpty ? nil : tags.map { EBS.Tag(key: $0.key, value: $0.value) },
                volumeSize: snapshot.volumeSize
            )
        }

        operations.on(
            EBS.PutSnapshotBlock.self,
            bodyLimit: Block.size,
            admission: { labels, caller in try await snapshots.admitBlock(caller, snapshotID: labels["snapshotId"] ?? "") }
        ) { input, caller in
            let checksum = try await snapshots.putSnapshotBlock(
                caller,
                snapshotID: input.snapshotId,
                index: input.blockIndex,
                data: input.blockData.bytes,
                dataLength: input.dataLength,
                checksum: input.checksum,
                checksumAlgorithm: input.checksumAlgorithm.rawValue,
                progress: input.progress
            )
            return EBS.PutSnapshotBlockResponse(checksum: checksum, checksumAlgorithm: .sha256)
        }

        operations.on(EBS.CompleteSnapshot.self) { input, caller in
            let state = try await snapshots.completeSnapshot(
                caller,
                snapshotID: input.snapshotId,
                changedBlocksCount: input.changedBlocksCount,
                checksum: input.checksum,
                checksumAlgorithm: input.checksumAlgorithm?.rawValue,
                aggregationMethod: input.checksumAggregationMethod?.rawValue
            )
            return EBS.CompleteSnapshotResponse(status: .init(rawValue: state.rawValue))
        }
    }

    /// ListSnapshotBlocks, ListChangedBlocks and GetSnapshotBlock: reading a snapshot back.
    static func registerReads(in operations: inout OperationTable, snapshots: SnapshotService) {
        operations.on(EBS.ListSnapshotBlocks.self) { input, caller in
            let listing = try await snapshots.listSnapshotBlocks(
                caller,
                snapshotID: input.snapshotId,
                startingIndex: input.startingBlockIndex,
                maxResults: input.maxResults,
                nextToken: input.nextToken
            )
            return EBS.ListSnapshotBlocksResponse(
                blockSize: Block.size,
                blocks: listing.items.map { EBS.Block(blockIndex: $0.index, blockToken: $0.secondToken) },
                expiryTime: listing.expiry,
                nextToken: listing.nextToken,
                volumeSize: listing.volumeSize
            )
        }

        operations.on(EBS.ListChangedBlocks.self) { input, caller in
            let listing = try await snapshots.listChangedBlocks(
                caller,
                firstSnapshotID: input.firstSnapshotId,
                secondSnapshotID: input.secondSnapshotId,
                startingIndex: input.startingBlockIndex,
                maxResults: input.maxResults,
                nextToken: input.nextToken
            )
            return EBS.ListChangedBlocksResponse(
                blockSize: Block.size,
                changedBlocks: listing.items.map {
                    EBS.ChangedBlock(blockIndex: $0.index, firstBlockToken: $0.firstToken, secondBlockToken: $0.secondToken)
                },
                expiryTime: listing.expiry,
                nextToken: listing.nextToken,
                volumeSize: listing.volumeSize
            )
        }

        operations.on(EBS.GetSnapshotBlock.self) { input, caller in
            let (data, checksum) = try await snapshots.getSnapshotBlock(
                caller,
                snapshotID: input.snapshotId,
                index: input.blockIndex,
                token: input.blockToken
            )
            return EBS.GetSnapshotBlockResponse(blockData: Blob(data), checksum: checksum, checksumAlgorithm: .sha256, dataLength: data.count)
        }
    }
}
