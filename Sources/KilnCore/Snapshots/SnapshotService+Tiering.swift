import Foundation

/// The archive tier: ModifySnapshotTier archives a snapshot, RestoreSnapshotTier brings it
/// back for some days or for good, DescribeSnapshotTierStatus shows where each one is.
///
/// An archived snapshot keeps its block map (a full copy of its blocks, as AWS converts it to
/// a full snapshot) and is billed for all of it at the archive price; it cannot be used for
/// volumes, images or copies until it is restored. Its createVolumePermission is removed.
extension SnapshotService {
    /// The most days a temporary restore may last.
    static let maximumTemporaryRestoreDays = 180

    /// ModifySnapshotTier: starts archiving a completed snapshot the caller owns, whose images
    /// are all disabled. Returns when archival started.
    package func modifySnapshotTier(_ caller: Caller, snapshotID: String, storageTier: String?) async throws -> Date {
        if let storageTier, storageTier != SnapshotTiering.Tier.archive.rawValue {
            throw CloudError.invalidParameterValue("Value (\(storageTier)) for parameter StorageTier is invalid. Valid value: archive.")
        }
        let now = clock.now
        let scheduler = self.scheduler
        return try await write(caller) { transaction in
            var snapshot = try transaction.ownSnapshot(snapshotID, caller: caller)
            guard snapshot.state == .completed else { throw CloudError.snapshotNotCompleted(snapshotID) }
            if let tiering = snapshot.tiering, tiering.tier == .archive || tiering.operation == .archivalInProgress {
                throw CloudError.snapshotAlreadyArchived(snapshotID)
            }
            for imageID in try transaction.imagesUsing(snapshotID: snapshotID) {
                if let image = try transaction.image(imageID), image.state != .disabled {
                    throw CloudError.snapshotUsedByEnabledImage(snapshotID, imageID)
                }
            }
            snapshot.tiering = SnapshotTiering(tier: .standard, operation: .archivalInProgress, operationStart: now, progress: 0)
            try transaction.save(snapshot)
            try scheduler.schedule(.snapshotArchived, resourceID: snapshotID, in: transaction)
            return now
        }
    }

    /// RestoreSnapshotTier: restores an archived snapshot for `temporaryDays` days or for good,
    /// or changes the period or kind of a temporary restore. Returns the snapshot as it is then.
    package func restoreSnapshotTier(_ caller: Caller, snapshotID: String, temporaryDays: Int?, permanent: Bool) async throws -> Snapshot {
        guard permanent != (temporaryDays != nil) else {
            throw CloudError.invalidParameterCombination("Specify either TemporaryRestoreDays or PermanentRestore.")
        }
        if let days = temporaryDays, !(1...Self.maximumTemporaryRestoreDays).contains(days) {
            throw CloudError.invalidParameterValue("TemporaryRestoreDays must be between 1 and \(Self.maximumTemporaryRestoreDays).")
        }
        let now = clock.now
        let scheduler = self.scheduler
        return try await write(caller) { transaction in
            var snapshot = try transaction.ownSnapshot(snapshotID, caller: caller)
            guard var tiering = snapshot.tiering, tiering.tier == .archive else { throw CloudError.snapshotNotArchived(snapshotID) }
            if tiering.operation == .temporaryRestoreCompleted, let days = temporaryDays {
                // A temporary restore changes its period at once.
                tiering.restoreExpiryTime = now + TimeInterval(days) * 86_400
                snapshot.tiering = tiering
                try transaction.save(snapshot)
                try transaction.insert(
                    ScheduledTransition(kind: .snapshotRestoreExpired, resourceID: snapshotID, due: tiering.restoreExpiryTime ?? now)
                )
                return snapshot
            }
            guard tiering.operation != .temporaryRestoreInProgress, tiering.operation != .permanentRestoreInProgress else {
                throw CloudError.snapshotRestoreInProgress(snapshotID)
            }
            tiering.operation = permanent ? .permanentRestoreInProgress : .temporaryRestoreInProgress
            if tiering.restoreExpiryTime == nil || permanent { tiering.operationStart = now }
            tiering.progress = 0
            tiering.temporaryRestoreDays = temporaryDays
            snapshot.tiering = tiering
            try transaction.save(snapshot)
            try scheduler.schedule(.snapshotRestored, resourceID: snapshotID, in: transaction)
            return snapshot
        }
    }

    /// DescribeSnapshotTierStatus: the caller's snapshots in its region with their tier and
    /// last tiering operation, filtered by `snapshot-id`, `volume-id` and `last-tiering-operation`.
    package func snapshotTierStatus(_ caller: Caller, filters: [Filter], page: PageRequest) async throws
        -> (items: [(Snapshot, [Tag])], nextToken: String?)
    {
        let filterSet = try FilterSet(filters, supported: ["snapshot-id", "volume-id", "last-tiering-operation"], allowsTags: false)
        let snapshots = try await read(caller) { transaction in
            try transaction.fetchAll(Snapshot.self, region: caller.region, owner: caller.account)
                .filter { snapshot in
                    filterSet.admits { name in
                        switch name {
                        case "snapshot-id": [snapshot.id]
                        case "volume-id": [snapshot.volumeID]
                        case "last-tiering-operation": snapshot.tiering.map { [$0.operation.rawValue] } ?? []
                        default: []
                        }
                    }
                }
                .sorted { $0.id < $1.id }
                .map { ($0, try transaction.tags(on: $0.id, by: caller.account)) }
        }
        return try page.page(of: snapshots)
    }

    /// The transitions of tiering: archival completes, a restore completes, a temporary restore ends.
    static func registerTieringTransitions(in scheduler: inout TransitionScheduler) {
        scheduler.register(.snapshotArchived) { transition, transaction in
            guard var snapshot = try transaction.fetch(Snapshot.self, id: transition.resourceID),
                var tiering = snapshot.tiering, tiering.operation == .archivalInProgress
            else { return }
            tiering.tier = .archive
            tiering.operation = .archivalCompleted
            tiering.progress = 100
            tiering.archivalCompleteTime = transition.due
            snapshot.tiering = tiering
            snapshot.createVolumePermissions = nil
            try transaction.save(snapshot)
        }
        scheduler.register(.snapshotRestored) { transition, transaction in
            guard var snapshot = try transaction.fetch(Snapshot.self, id: transition.resourceID), var tiering = snapshot.tiering else { return }
            switch tiering.operation {
            case .permanentRestoreInProgress:
                tiering = SnapshotTiering(
                    tier: .standard,
                    operation: .permanentRestoreCompleted,
                    operationStart: tiering.operationStart,
                    progress: 100,
                    archivalCompleteTime: tiering.archivalCompleteTime
                )
            case .temporaryRestoreInProgress:
                tiering.operation = .temporaryRestoreCompleted
                tiering.progress = 100
                let expiry = transition.due + TimeInterval(tiering.temporaryRestoreDays ?? 1) * 86_400
                tiering.restoreExpiryTime = expiry
                tiering.temporaryRestoreDays = nil
                try transaction.insert(ScheduledTransition(kind: .snapshotRestoreExpired, resourceID: snapshot.id, due: expiry))
            default:
                return
            }
            snapshot.tiering = tiering
            try transaction.save(snapshot)
        }
        scheduler.register(.snapshotRestoreExpired) { transition, transaction in
            guard var snapshot = try transaction.fetch(Snapshot.self, id: transition.resourceID), var tiering = snapshot.tiering,
                tiering.operation == .temporaryRestoreCompleted, let expiry = tiering.restoreExpiryTime, expiry <= transition.due
            else { return }
            tiering.operation = .archivalCompleted
            tiering.restoreExpiryTime = nil
            snapshot.tiering = tiering
            try transaction.save(snapshot)
        }
    }
}

extension ScheduledTransition.Kind {
    /// An archival finishes: the snapshot is in the archive tier.
    package static let snapshotArchived = Self(rawValue: "snapshot.archived")
    /// A restore from the archive tier finishes.
    package static let snapshotRestored = Self(rawValue: "snapshot.restored")
    /// A temporary restore's period ends.
    package static let snapshotRestoreExpired = Self(rawValue: "snapshot.restore-expired")
}
