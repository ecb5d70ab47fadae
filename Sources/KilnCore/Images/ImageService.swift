import Foundation

/// AMIs: registration, description and visibility, launch permissions, life cycle, copies,
/// creation from instances, and store and restore tasks.
package struct ImageService: CloudService {
    package let context: CloudContext
}

/// RegisterImage, DescribeImages and DeregisterImage, with AWS's per-caller visibility.
extension ImageService {

    /// The caller as a viewer of launch permissions: its account, organization and units.
    package func viewer(_ caller: Caller) -> Viewer {
        guard let organization = identity.organization(of: caller.account) else { return Viewer(account: caller.account) }
        let units = organization.units.filter { $0.accounts.contains(caller.account) }.map { unit in
            "arn:aws:organizations::\(organization.managementAccount):ou/\(organization.id)/\(unit.id)"
        }
        return Viewer(account: caller.account, organizationARN: organization.arn, organizationalUnitARNs: units)
    }

    /// Whether `viewer` may launch `image`: it owns it, or a launch permission names it.
    static func canLaunch(_ image: Image, viewer: Viewer) -> Bool {
        image.owner == viewer.account
            || image.launchPermissions.contains { grant in
                switch grant {
                case .all: return true
                case .account(let account): return account == viewer.account
                case .organization(let arn): return arn == viewer.organizationARN
                case .organizationalUnit(let arn): return viewer.organizationalUnitARNs.contains(arn)
                }
            }
    }

    /// An image the caller may see in its region, or `InvalidAMIID.NotFound` (existence is never leaked).
    func visibleImage(_ id: String, caller: Caller, in transaction: any MetadataTransaction) throws -> Image {
        guard ResourcePrefix.image.matches(id) else { throw CloudError.malformedImageID(id) }
        guard let image = try transaction.image(id, in: caller.region), Self.canLaunch(image, viewer: viewer(caller)) else {
            throw CloudError.imageNotFound([id])
        }
        return image
    }

    /// An image the caller owns; a visible image of someone else's is `AuthFailure`.
    func ownedImage(_ id: String, caller: Caller, in transaction: any MetadataTransaction) throws -> Image {
        let image = try visibleImage(id, caller: caller, in: transaction)
        guard image.owner == caller.account else { throw CloudError.imageNotAuthorized(for: id) }
        return image
    }

    /// RegisterImage: an EBS-backed image from snapshots, or an instance-store image from a manifest.
    package func registerImage(_ caller: Caller, _ request: ImageRegistration) async throws -> String {
        try ImageName.validate(request.name)
        for tag in request.tags { try tag.validate() }
        if !request.billingProducts.isEmpty {
            throw CloudError.invalidParameterValue("Only accounts authorized by AWS may register images with billing products.")
        }
        // As AWS does, an instance-store image's manifest is read at registration.
        if let location = request.imageLocation, location.hasSuffix(".manifest.xml"), location.contains("/") {
            try await context.bundles.requireBucketAccess(BundleService.bucket(of: location), caller)
            try await context.bundles.checkBundle(at: location)
        }
        let id = ids.resourceID(.image)
        let now = clock.now
        return try await write(caller) { transaction in
            if let existing = try transaction.imageNamed(request.name, owner: caller.account, region: caller.region) {
                throw CloudError.duplicateImageName(request.name, existing.id)
            }
            var image = Image(id: id, owner: caller.account, region: caller.region, name: request.name, creationDate: now)
            image.description = request.description
            image.blockDeviceMappings = try resolveMappings(request, caller: caller, in: transaction)
            try request.placeRoot(of: &image, account: caller.account)
            // AWS's legacy defaults for RegisterImage.
            image.architecture = request.architecture ?? "i386"
            image.virtualizationType = request.virtualizationType ?? "paravirtual"
            try request.checkBootAttributes(architecture: image.architecture, virtualizationType: image.virtualizationType)
            image.bootMode = request.bootMode
            image.enaSupport = request.enaSupport
            image.sriovNetSupport = request.sriovNetSupport
            image.tpmSupport = request.tpmSupport
            image.imdsSupport = request.imdsSupport
            image.uefiData = request.uefiData
            image.kernelID = request.kernelID
            image.ramdiskID = request.ramdiskID
            try transaction.saveImage(image)
            for tag in request.tags {
                try transaction.putTag(tag, on: id, resourceType: "image", by: caller.account, region: caller.region)
            }
            return id
        }
    }

    /// Checks each requested mapping against its snapshot and fills in AWS's defaults.
    func resolveMappings(_ request: ImageRegistration, caller: Caller, in transaction: any MetadataTransaction) throws -> [Image.DeviceMapping] {
        var mappings: [Image.DeviceMapping] = []
        for (position, requested) in request.mappings.enumerated() {
            if mappings.contains(where: { $0.deviceName == requested.deviceName }) {
                throw CloudError.duplicateDeviceName(requested.deviceName ?? "")
            }
            mappings.append(try resolveMapping(requested, position: position, caller: caller, in: transaction))
        }
        if let root = request.rootDeviceName, request.imageLocation == nil {
            guard let rootMapping = mappings.first(where: { $0.deviceName == root }) else {
                throw CloudError.rootDeviceNotMapped(root)
            }
            guard rootMapping.ebs?.snapshotID != nil else {
                throw CloudError.rootDeviceNotFromSnapshot(root)
            }
        } else if request.rootDeviceName == nil, request.imageLocation == nil, !mappings.isEmpty {
            throw CloudError.missingParameter("rootDeviceName")
        }
        return mappings
    }

    /// One requested mapping checked against its snapshot, with AWS's defaults filled in.
    func resolveMapping(
        _ requested: ImageRegistration.Mapping,
        position: Int,
        caller: Caller,
        in transaction: any MetadataTransaction
    ) throws -> Image.DeviceMapping {
        guard let device = requested.deviceName, !device.isEmpty else {
            throw CloudError.missingParameter("BlockDeviceMapping.\(position + 1).DeviceName")
        }
        if requested.noDevice || requested.virtualName != nil {
            return Image.DeviceMapping(deviceName: device, virtualName: requested.virtualName, noDevice: requested.noDevice)
        }
        var size = requested.volumeSize
        var encrypted = false
        var kmsKeyID: String?
        if let snapshotID = requested.snapshotID {
            let snapshot = try transaction.visibleSnapshot(snapshotID, caller: caller)
            guard snapshot.state == .completed else {
                throw CloudError.snapshotNotCompleted(snapshotID)
            }
            guard snapshot.isUsableForData else { throw CloudError.snapshotArchived(snapshotID) }
            if let size, size < snapshot.volumeSize {
                throw CloudError.mappingSmallerThanSnapshot(size, snapshotID, snapshot.volumeSize)
            }
            if requested.encrypted != nil {
                throw CloudError.mappingEncryptionFromSnapshot(device, snapshotID)
            }
            size = size ?? snapshot.volumeSize
            encrypted = snapshot.encrypted
            kmsKeyID = snapshot.kmsKeyID
        }
        guard let volumeSize = size else {
            throw CloudError.mappingNeedsSnapshotOrSize(device)
        }
        guard let type = VolumeType(rawValue: requested.volumeType ?? "gp2") else {
            throw CloudError.invalidParameterValue("Value (\(requested.volumeType ?? "")) for parameter volumeType is invalid.")
        }
        let performance = try type.resolvePerformance(size: volumeSize, iops: requested.iops, throughput: requested.throughput)
        let ebs = Image.EBSDevice(
            snapshotID: requested.snapshotID,
            volumeSize: volumeSize,
            volumeType: type,
            deleteOnTermination: requested.deleteOnTermination ?? true,
            encrypted: encrypted || requested.encrypted == true,
            kmsKeyID: kmsKeyID ?? requested.kmsKeyID,
            iops: type.provisionedIOPS == nil ? nil : performance.iops,
            throughput: performance.throughput
        )
        return Image.DeviceMapping(deviceName: device, ebs: ebs)
    }

    /// DescribeImages: the images the caller may see, scoped by ids, owners, executable users and filters.
    package func describeImages(_ caller: Caller, _ request: ImageDescription, page: PageRequest) async throws -> (
        images: [(Image, [Tag])], nextToken: String?
    ) {
        let filterSet = try FilterSet(request.filters, supported: Self.imageFilterNames, allowsTags: true)
        let requested = (request.ids?.isEmpty ?? true) ? nil : request.ids
        if requested != nil, page.maxResults != nil {
            throw CloudError.invalidParameterCombination("The parameter imagesSet cannot be used with the parameter maxResults")
        }
        for id in requested ?? [] where !ResourcePrefix.image.matches(id) { throw CloudError.malformedImageID(id) }
        let scope = try ImageScope(caller, request, viewer: viewer(caller), now: clock.now)
        let order = request.order
        let startAfter = try Self.startPosition(of: page, in: order)
        let limit = page.maxResults
        // A page of images and then their tags: the two need not come from one snapshot.
        let (images, last, exhausted) = try await readCommitted(caller) { transaction in
            try Self.readImagePage(scope, ids: requested, filters: filterSet, order: order, after: startAfter, limit: limit, in: transaction)
        }
        if let requested {
            try await checkNamedImagesExist(requested, found: images.map(\.0.id), caller: caller, viewer: scope.viewer)
        }
        return (images, exhausted ? nil : last.map { Self.token(of: page, after: $0) })
    }

    /// Reads images in `order` after `startAfter` until `limit` pass the scope and the
    /// filters; returns them, the position of the last image read, and whether the region has
    /// no more.
    private static func readImagePage(
        _ scope: ImageScope,
        ids requested: [String]?,
        filters: FilterSet,
        order: ImageOrder,
        after startAfter: ImagePosition?,
        limit: Int?,
        in transaction: any MetadataTransaction
    ) throws -> (images: [(Image, [Tag])], last: ImagePosition?, exhausted: Bool) {
        var query = ImageQuery(region: scope.region, viewer: scope.viewer)
        query.ids = requested
        query.owners = scope.accountOwners
        // Executable by all is exactly public, which the stores index.
        query.publicOnly = scope.executableUsers == ["all"]
        query.namePatterns = filters.filters.count(where: { $0.name == "name" }) == 1 ? filters.filters.first { $0.name == "name" }?.values : nil
        query.order = order
        var result: [(Image, [Tag])] = []
        var cursor = startAfter
        let chunk = max(limit ?? 1000, 100)
        while true {
            query.after = cursor
            query.limit = requested == nil ? chunk : nil
            let candidates = try transaction.images(query)
            let scoped = candidates.filter { scope.admits($0, explicitlyNamed: requested != nil) }
            let tags = try transaction.tags(on: scoped.map(\.storageKey), by: scope.viewer.account)
            let admitted = Set(scoped.map(\.id))
            for image in candidates {
                cursor = order.position(of: image)
                guard admitted.contains(image.id) else { continue }
                let imageTags = tags[image.storageKey] ?? []
                guard filters.admits({ imageFilterValues($0, image: image, tags: imageTags, now: scope.now) }) else { continue }
                result.append((image, imageTags))
                if let limit, result.count == limit { return (result, cursor, false) }
            }
            if requested != nil || candidates.count < chunk { return (result, cursor, true) }
        }
    }

    /// Where the page `page` asks for starts in `order`: its token holds the image's id, and
    /// in orders by name or date the image's sort key as well.
    private static func startPosition(of page: PageRequest, in order: ImageOrder) throws -> ImagePosition? {
        switch order.key {
        case .id:
            return try page.startAfter().map { ImagePosition(after: $0) }
        case .name:
            return try page.startAfterKeyed().map { ImagePosition(after: $0.id, key: .name($0.key)) }
        case .creationDate:
            guard let (key, id) = try page.startAfterKeyed() else { return nil }
            guard let seconds = Double(key) else { throw CloudError.invalidPaginationToken(page.nextToken ?? "") }
            return ImagePosition(after: id, key: .creationDate(seconds))
        }
    }

    /// The token of the page after `position`.
    private static func token(of page: PageRequest, after position: ImagePosition) -> String {
        switch position.key {
        case .none: page.token(after: position.id)
        case .name(let name): page.token(afterKey: name, id: position.id)
        case .creationDate(let seconds): page.token(afterKey: "\(seconds)", id: position.id)
        }
    }

    /// Named images hidden by filters are simply absent from the answer; names of images the
    /// caller cannot see, or that do not exist, are `InvalidAMIID.NotFound`.
    private func checkNamedImagesExist(_ requested: [String], found: [String], caller: Caller, viewer: Viewer) async throws {
        let found = Set(found)
        let missing = requested.filter { !found.contains($0) }
        guard !missing.isEmpty else { return }
        let unknown = try await read(caller) { transaction in
            try missing.filter { id in try transaction.image(id, in: caller.region).map { !Self.canLaunch($0, viewer: viewer) } ?? true }
        }
        if !unknown.isEmpty { throw CloudError.imageNotFound(unknown) }
    }

    /// The DescribeImages filters the EC2 model documents.
    static let imageFilterNames: Set<String> = DocumentedFilters.describeImages.union([
        "architecture", "block-device-mapping.delete-on-termination", "block-device-mapping.device-name", "block-device-mapping.snapshot-id",
        "block-device-mapping.volume-size", "block-device-mapping.volume-type", "block-device-mapping.encrypted", "creation-date", "description",
        "ena-support", "free-tier-eligible", "hypervisor", "image-allowed", "image-id", "image-type", "is-public", "kernel-id", "manifest-location",
        "name", "owner-alias", "owner-id", "platform", "product-code", "product-code.type", "ramdisk-id", "root-device-name", "root-device-type",
        "source-image-id", "source-image-region", "source-instance-id", "state", "state-reason-code", "state-reason-message", "sriov-net-support",
        "virtualization-type",
    ])

    /// An image's values for a DescribeImages filter name.
    static func imageFilterValues(_ name: String, image: Image, tags: [Tag], now: Date) -> [String] {
        if let values = FilterSet.tagValues(name, tags: tags) { return values }
        let ebs = image.blockDeviceMappings.compactMap(\.ebs)
        switch name {
        case "architecture": return [image.architecture]
        case "block-device-mapping.delete-on-termination": return ebs.map { String($0.deleteOnTermination) }
        case "block-device-mapping.device-name": return image.blockDeviceMappings.map(\.deviceName)
        case "block-device-mapping.snapshot-id": return ebs.compactMap(\.snapshotID)
        case "block-device-mapping.volume-size": return ebs.map { String($0.volumeSize) }
        case "block-device-mapping.volume-type": return ebs.map(\.volumeType.rawValue)
        case "block-device-mapping.encrypted": return ebs.map { String($0.encrypted) }
        case "creation-date": return [image.creationDate.iso8601Text]
        case "description": return image.description.map { [$0] } ?? []
        case "ena-support": return image.enaSupport.map { [String($0)] } ?? []
        case "free-tier-eligible": return ["false"]
        case "hypervisor": return ["xen"]
        case "image-allowed": return ["true"]
        case "image-id": return [image.id]
        case "image-type": return ["machine"]
        case "is-public": return [String(image.isPublic)]
        case "kernel-id": return image.kernelID.map { [$0] } ?? []
        case "manifest-location": return image.imageLocation.map { [$0] } ?? []
        case "name": return [image.name]
        case "owner-alias": return image.ownerAlias.map { [$0] } ?? []
        case "owner-id": return [image.owner.rawValue]
        case "platform": return image.platform.map { [$0] } ?? []
        case "product-code": return image.productCodes.map(\.id)
        case "product-code.type": return image.productCodes.map(\.type)
        case "ramdisk-id": return image.ramdiskID.map { [$0] } ?? []
        case "root-device-name": return image.rootDeviceName.map { [$0] } ?? []
        case "root-device-type": return [image.rootDeviceType]
        case "source-image-id": return image.sourceImageID.map { [$0] } ?? []
        case "source-image-region": return image.sourceRegion.map { [$0] } ?? []
        case "source-instance-id": return image.sourceInstanceID.map { [$0] } ?? []
        case "state": return [image.state.rawValue]
        case "state-reason-code": return image.stateReason.map { [$0.code] } ?? []
        case "state-reason-message": return image.stateReason.map { [$0.message] } ?? []
        case "sriov-net-support": return image.sriovNetSupport.map { [$0] } ?? []
        case "virtualization-type": return [image.virtualizationType]
        default: return []
        }
    }

    /// DeregisterImage: the image becomes `deregistered`; its snapshots stay unless asked,
    /// and then only those no other image uses.
    package func deregisterImage(_ caller: Caller, id: String, deleteAssociatedSnapshots: Bool) async throws -> [(snapshotID: String, code: String)] {
        let now = clock.now
        return try await write(caller) { transaction in
            guard ResourcePrefix.image.matches(id) else { throw CloudError.malformedImageID(id) }
            if let image = try transaction.image(id, in: caller.region), image.owner == caller.account, image.state == .deregistered {
                throw CloudError.imageNoLongerAvailable(id)
            }
            var image = try ownedImage(id, caller: caller, in: transaction)
            if image.deregistrationProtection.blocks(at: now) {
                throw CloudError.imageDeregistrationProtected(id)
            }
            image.state = .deregistered
            image.deregisteredAt = now
            image.launchPermissions = []
            _ = try transaction.recycleIfRetained(&image, now: now)
            try transaction.saveImage(image)
            guard deleteAssociatedSnapshots else { return [] }
            var results: [(String, String)] = []
            for snapshotID in image.snapshotIDs {
                guard let snapshot = try transaction.fetch(Snapshot.self, id: snapshotID) else {
                    results.append((snapshotID, "client-error"))
                    continue
                }
                if snapshot.owner != caller.account {
                    results.append((snapshotID, "missing-permissions"))
                } else if !(try transaction.imagesUsing(snapshotID: snapshotID)).isEmpty {
                    results.append((snapshotID, "skipped"))
                } else {
                    try transaction.deleteOrRecycle(snapshot, now: now)
                    results.append((snapshotID, "success"))
                }
            }
            return results
        }
    }
}
