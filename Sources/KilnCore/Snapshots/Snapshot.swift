import Foundation

/// An EBS snapshot: a point-in-time copy of a volume's blocks.
///
/// Its blocks are listed in its block map (stored beside it); a completed snapshot's map is
/// complete (not a delta), so reading one never walks its ancestors.
package struct Snapshot: StoredResource, Equatable {
    package static let kind = ResourcePrefix.snapshot

    /// A snapshot's life cycle: `pending` while its blocks arrive, then `completed` or `error`.
    package enum State: String, Sendable, Codable {
        case pending
        case completed
        case error
    }

    package var id: String
    package var owner: AccountID
    package var region: RegionName
    /// The volume it was taken from; `vol-ffffffff` for snapshots uploaded through the EBS direct APIs.
    package var volumeID: String
    /// The volume size in GiB.
    package var volumeSize: Int
    package var state: State
    /// Why the snapshot failed, when it did.
    package var stateMessage: String?
    /// Percent done, 0–100.
    package var progress: Int
    package var startTime: Date
    package var completionTime: Date?
    package var description: String
    package var encrypted: Bool
    /// The KMS key's ARN, for encrypted snapshots.
    package var kmsKeyID: String?
    /// The snapshot this one is incremental to, if any.
    package var parentID: String?
    /// The snapshots incremental to this one (whose ``parentID`` is this id), so that deleting
    /// it finds them without a scan; `nil` for snapshots recorded before Kiln kept the list.
    package var childIDs: [String]?
    /// The first snapshot of the lineage; ListChangedBlocks compares only within one.
    package var lineageID: String
    /// The source of a copy.
    package var sourceSnapshotID: String?
    /// The EBS direct API's idempotency token.
    package var clientToken: String?
    /// Every parameter of the StartSnapshot call that used ``clientToken``, to tell a retry from a conflict.
    package var clientRequest: String?
    /// Minutes an EBS direct upload may stay pending before it errors.
    package var timeoutMinutes: Int?
    /// What the snapshot stores, once completed.
    package var storage: SnapshotStorage?
    /// Who else may create volumes from it (and so copy images that use it): account ids, or `all`.
    package var createVolumePermissions: [String]?
    /// Its storage tier and last tiering operation; `nil` for a snapshot never archived.
    package var tiering: SnapshotTiering?

    /// Whether `account` may use the snapshot: create volumes from it, register or copy images with it.
    package func isUsable(by account: AccountID) -> Bool {
        owner == account || (createVolumePermissions ?? []).contains { $0 == "all" || $0 == account.rawValue }
    }

    /// Creates a snapshot record.
    package init(
        id: String,
        owner: AccountID,
        region: RegionName,
        volumeID: String,
        volumeSize: Int,
        state: State,
        progress: Int,
        startTime: Date,
        description: String,
        encrypted: Bool,
        kmsKeyID: String?,
        parentID: String?,
        lineageID: String
    ) {
        self.id = id
        self.owner = owner
        self.region = region
        self.volumeID = volumeID
        self.volumeSize = volumeSize
        self.state = state
        self.progress = progress
        self.startTime = startTime
        self.description = description
        self.encrypted = encrypted
        self.kmsKeyID = kmsKeyID
        self.parentID = parentID
        self.childIDs = []
        self.lineageID = lineageID
    }

    /// When an EBS direct upload's Timeout runs out: blocks and CompleteSnapshot are refused
    /// from then on, and the snapshot goes to `error`.
    package var uploadDeadline: Date {
        startTime + Double(timeoutMinutes ?? 60) * 60
    }

    /// The domain its blocks are stored in.
    package var domain: EncryptionDomain {
        guard encrypted, let kmsKeyID else { return .unencrypted(region) }
        return .encrypted(region, account: owner, kmsKeyARN: kmsKeyID)
    }

    /// The volume id EBS direct snapshots carry.
    package static let directUploadVolumeID = "vol-ffffffff"
}

/// What a snapshot stores, for DescribeSnapshots and for the storage report.
package struct SnapshotStorage: Sendable, Codable, Equatable {
    /// Blocks with data (all-zero blocks are not stored).
    package var blockCount: Int
    /// Bytes those blocks hold: `blockCount` × 512 KiB. DescribeSnapshots' FullSnapshotSizeInBytes.
    package var logicalBytes: Int64
    /// Blocks that differ from the parent's: what AWS bills an incremental snapshot for.
    package var changedBlockCount: Int
    /// Bytes of the changed blocks.
    package var changedBytes: Int64
    /// Bytes the changed blocks take in the store, after compression.
    package var storedChangedBytes: Int64

    /// Describes a snapshot's storage.
    package init(blockCount: Int, logicalBytes: Int64, changedBlockCount: Int, changedBytes: Int64, storedChangedBytes: Int64) {
        self.blockCount = blockCount
        self.logicalBytes = logicalBytes
        self.changedBlockCount = changedBlockCount
        self.changedBytes = changedBytes
        self.storedChangedBytes = storedChangedBytes
    }
}

extension Snapshot: GrantedResource {
    package var grantees: [String] { createVolumePermissions ?? [] }
}
