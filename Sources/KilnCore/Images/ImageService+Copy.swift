import Foundation

/// CopyImage: a new image with new snapshots in the caller's region, whose bytes come from the
/// source region's store; only blocks the destination lacks in the copy's key domain move.
extension ImageService {
    package func copyImage(_ caller: Caller, _ request: ImageCopy) async throws -> String {
        try ImageName.validate(request.name)
        for tag in request.tags { try tag.validate() }
        if request.kmsKeyID != nil, request.encrypted != true {
            throw CloudError.kmsKeyRequiresEncrypted
        }
        let sourceRegion = RegionName(request.sourceRegion)
        guard regions.region(sourceRegion)?.isEnabled == true else {
            throw CloudError.sourceRegionNotEnabled(request.sourceRegion)
        }
        if let token = request.clientToken,
            let earlier = try await read(caller, { try $0.claimedResource(of: token, by: .copyImage, caller: caller) })
        {
            return earlier
        }
        let (source, sourceTags) = try await copySource(request.sourceImageID, in: sourceRegion, for: caller)
        let imageID = ids.resourceID(.image)
        let prepared = try await prepareSnapshotCopies(caller, request, source: source, imageID: imageID)
        let now = clock.now
        let tags = (request.copyImageTags ? sourceTags : []) + request.tags
        return try await write(caller) { transaction in
            if let token = request.clientToken, let earlier = try transaction.claimedResource(of: token, by: .copyImage, caller: caller) {
                return earlier
            }
            if let existing = try transaction.imageNamed(request.name, owner: caller.account, region: caller.region) {
                throw CloudError.duplicateImageName(request.name, existing.id)
            }
            for copy in prepared.values { try context.snapshots.recordSnapshotCopy(copy, in: transaction) }
            var image = Image(id: imageID, owner: caller.account, region: caller.region, name: request.name, creationDate: now)
            image.state = .pending
            image.description = request.description ?? source.description
            image.takeBootAttributes(from: source)
            image.imageLocation = "\(caller.account)/\(request.name)"
            image.productCodes = source.productCodes
            image.sourceImageID = source.id
            image.sourceRegion = request.sourceRegion
            image.blockDeviceMappings = source.blockDeviceMappings
            image.replaceSnapshots(prepared.mapValues(\.snapshot))
            try transaction.saveImage(image)
            for tag in tags {
                try transaction.putTag(tag, on: imageID, resourceType: "image", by: caller.account, region: caller.region)
            }
            if let token = request.clientToken {
                try transaction.claimClientToken(token, by: .copyImage, caller: caller, resourceID: imageID)
            }
            return imageID
        }
    }

    /// The image a copy is made from, seen from its region by the caller, with the caller's
    /// tags on it: available and EBS-backed, and, when someone else's, free of product codes
    /// and with its snapshots shared too (AWS's own images copy freely).
    private func copySource(_ imageID: String, in sourceRegion: RegionName, for caller: Caller) async throws -> (Image, [Tag]) {
        let sourceCaller = Caller(account: caller.account, accessKeyID: caller.accessKeyID, region: sourceRegion)
        return try await read(sourceCaller) { transaction -> (Image, [Tag]) in
            let image = try self.visibleImage(imageID, caller: sourceCaller, in: transaction)
            guard image.state == .available else {
                throw CloudError.imageUnavailable(image.id, image.state.rawValue)
            }
            guard image.isEBSBacked else {
                throw CloudError.instanceStoreImageCannotBeCopied(image.id)
            }
            if image.owner != caller.account {
                if !image.productCodes.isEmpty {
                    throw CloudError.productImageCannotBeCopied
                }
                // AWS's own images copy freely; anyone else's need their snapshots shared too.
                for snapshotID in image.snapshotIDs where image.ownerAlias != "amazon" {
                    guard let snapshot = try transaction.fetch(Snapshot.self, id: snapshotID), snapshot.isUsable(by: caller.account) else {
                        throw CloudError.imageStorageNotShared
                    }
                }
            }
            return (image, try transaction.tags(on: image.storageKey, by: caller.account))
        }
    }

    /// The copy of each of the source image's snapshots, prepared: their blocks moved into
    /// the caller's region and key domain, by source snapshot id.
    private func prepareSnapshotCopies(
        _ caller: Caller,
        _ request: ImageCopy,
        source: Image,
        imageID: String
    ) async throws -> [String: SnapshotService.PreparedSnapshotCopy] {
        var copies: [String: SnapshotService.PreparedSnapshotCopy] = [:]
        for snapshotID in source.snapshotIDs where copies[snapshotID] == nil {
            copies[snapshotID] = try await context.snapshots.prepareSnapshotCopy(
                caller,
                sourceRegion: request.sourceRegion,
                sourceSnapshotID: snapshotID,
                description:
                    "Copied for DestinationAmi \(imageID) from SourceAmi \(source.id) for SourceSnapshot \(snapshotID). Task created on \(clock.now.iso8601Text).",
                encrypted: request.encrypted,
                kmsKeyID: request.kmsKeyID,
                grantedByImage: source.ownerAlias == "amazon"
            )
        }
        return copies
    }
}
