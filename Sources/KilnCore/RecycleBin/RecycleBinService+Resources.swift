import Foundation

/// What the bin holds: EC2's ListImagesInRecycleBin, RestoreImageFromRecycleBin,
/// ListSnapshotsInRecycleBin and RestoreSnapshotFromRecycleBin, and the end of retention.
extension RecycleBinService {
    /// The caller's images in the bin, in its region, optionally only `ids`.
    package func imagesInBin(_ caller: Caller, ids: [String]?, page: PageRequest) async throws -> (items: [Image], nextToken: String?) {
        let now = clock.now
        var query = ImageQuery(region: caller.region, viewer: nil)
        query.owners = [caller.account]
        query.includeDeregistered = true
        let imageQuery = query
        let images = try await read(caller) { transaction in
            try transaction.images(imageQuery).filter { image in
                image.state == .deregistered && (image.recycleBinExitTime.map { $0 > now } ?? false)
                    && (ids.map { $0.isEmpty || $0.contains(image.id) } ?? true)
            }
        }
        return try page.page(of: images)
    }

    /// The caller's snapshots in the bin, in its region, optionally only `ids`.
    package func snapshotsInBin(_ caller: Caller, ids: [String]?, page: PageRequest) async throws
        -> (items: [RecycledSnapshot], nextToken: String?)
    {
        let now = clock.now
        let snapshots = try await read(caller) { transaction in
            try transaction.fetchAll(RecycledSnapshot.self, region: caller.region, owner: caller.account).filter { recycled in
                recycled.exitTime > now && (ids.map { $0.isEmpty || $0.contains(recycled.id) } ?? true)
            }
        }
        return try page.page(of: snapshots)
    }

    /// RestoreImageFromRecycleBin: the image is available again, if each of its snapshots is
    /// out of the bin and not deleted.
    package func restoreImage(_ caller: Caller, id: String) async throws {
        guard ResourcePrefix.image.matches(id) else { throw CloudError.malformedImageID(id) }
        let now = clock.now
        try await write(caller) { transaction in
            guard var image = try transaction.image(id), image.owner == caller.account, image.region == caller.region,
                image.state == .deregistered, let exit = image.recycleBinExitTime, exit > now
            else { throw CloudError.imageNotInRecycleBin(id) }
            for snapshotID in image.snapshotIDs where try transaction.fetch(Snapshot.self, id: snapshotID) == nil {
                if try transaction.fetch(RecycledSnapshot.self, id: snapshotID) != nil {
                    throw CloudError.imageSnapshotInRecycleBin(id, snapshotID)
                }
                throw CloudError.imageSnapshotDeleted(id, snapshotID)
            }
            if let existing = try transaction.imageNamed(image.name, owner: caller.account, region: caller.region) {
                throw CloudError.duplicateImageName(image.name, existing.id)
            }
            image.state = .available
            image.deregisteredAt = nil
            image.recycleBinEnterTime = nil
            image.recycleBinExitTime = nil
            try transaction.saveImage(image)
        }
    }

    /// RestoreSnapshotFromRecycleBin: the snapshot is back, measured again against its parent
    /// if that still exists (its children, billed for its blocks meanwhile, stay as they are).
    package func restoreSnapshot(_ caller: Caller, id: String) async throws -> Snapshot {
        guard ResourcePrefix.snapshot.matches(id) else { throw CloudError.malformedSnapshotID(id) }
        let now = clock.now
        return try await write(caller) { transaction in
            guard let recycled = try transaction.fetch(RecycledSnapshot.self, id: id), recycled.owner == caller.account,
                recycled.region == caller.region, recycled.exitTime > now
            else { throw CloudError.snapshotNotInRecycleBin(id) }
            var snapshot = recycled.snapshot
            let parent = try snapshot.parentID.flatMap { try transaction.fetch(Snapshot.self, id: $0) }
            snapshot.parentID = parent?.id
            snapshot.childIDs = []
            if let parent { try transaction.recordChild(id, of: parent.id) }
            let changed = try transaction.changedEntries(of: id, domain: snapshot.domain, against: parent)
            snapshot.storage = try transaction.measure(snapshotID: id, changed: changed, domain: snapshot.domain)
            try transaction.delete(RecycledSnapshot.self, id: id)
            try transaction.save(snapshot)
            return snapshot
        }
    }

    /// The end of retention: a snapshot is deleted for good (its blocks become collectable once
    /// no volume reads them), an image leaves the bin deregistered.
    static func registerTransitions(in scheduler: inout TransitionScheduler) {
        scheduler.register(.recycleBinExpired) { transition, transaction in
            if let recycled = try transaction.fetch(RecycledSnapshot.self, id: transition.resourceID), recycled.exitTime <= transition.due {
                try transaction.delete(RecycledSnapshot.self, id: recycled.id)
                if try !transaction.hasDependentVolumes(recycled.id, region: recycled.region) {
                    try transaction.deleteBlockMap(of: recycled.id)
                }
            } else if var image = try transaction.image(transition.resourceID), image.state == .deregistered,
                let exit = image.recycleBinExitTime, exit <= transition.due
            {
                image.recycleBinEnterTime = nil
                image.recycleBinExitTime = nil
                try transaction.saveImage(image)
            }
        }
    }
}

/// Tags on rules: TagResource, UntagResource and ListTagsForResource, by rule ARN.
extension RecycleBinService {
    package func tagResource(_ caller: Caller, arn: String, tags: [Tag]) async throws {
        for tag in tags { try tag.validate() }
        try await write(caller) { transaction in
            _ = try Self.ownedRule(Self.ruleID(of: arn), caller: caller, in: transaction)
            for tag in tags { try transaction.putTag(tag, on: arn, resourceType: "rule", by: caller.account, region: caller.region) }
        }
    }

    package func untagResource(_ caller: Caller, arn: String, keys: [String]) async throws {
        try await write(caller) { transaction in
            _ = try Self.ownedRule(Self.ruleID(of: arn), caller: caller, in: transaction)
            for key in keys { try transaction.removeTag(key: key, from: arn, by: caller.account) }
        }
    }

    package func tags(_ caller: Caller, arn: String) async throws -> [Tag] {
        try await read(caller) { transaction in
            _ = try Self.ownedRule(Self.ruleID(of: arn), caller: caller, in: transaction)
            return try transaction.tags(on: arn, by: caller.account)
        }
    }

    /// The rule identifier at the end of a rule ARN.
    static func ruleID(of arn: String) throws -> String {
        guard arn.hasPrefix("arn:aws:rbin:"), let slash = arn.lastIndex(of: "/"), arn[..<slash].hasSuffix(":rule") else {
            throw CloudError.recycleBinValidation("\(arn) is not a Recycle Bin rule ARN.")
        }
        return String(arn[arn.index(after: slash)...])
    }
}

extension ScheduledTransition.Kind {
    /// A resource's retention in the Recycle Bin ends.
    package static let recycleBinExpired = Self(rawValue: "recycle-bin.expired")
}
