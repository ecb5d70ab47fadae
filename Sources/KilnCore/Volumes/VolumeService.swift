import Foundation

/// EBS volumes: creation (empty, or copy-on-write from a snapshot), description, changes,
/// deletion, attachments, and Kiln's extension that reads and writes their bytes.
package struct VolumeService: CloudService {
    package let context: CloudContext
}

extension ScheduledTransition.Kind {
    /// A created volume becomes `available`.
    package static let volumeAvailable = Self(rawValue: "volume.available")
    /// A deleting volume disappears.
    package static let volumeDeleted = Self(rawValue: "volume.deleted")
}

extension VolumeService {
    static func registerTransitions(in scheduler: inout TransitionScheduler) {
        scheduler.register(.volumeAvailable) { transition, transaction in
            guard var volume = try transaction.fetch(Volume.self, id: transition.resourceID), volume.state == .creating else { return }
            // As on AWS, a volume whose KMS key the owner cannot use never becomes available: it vanishes.
            let keys = [volume.encrypted ? volume.kmsKeyID : nil, volume.sourceDomain?.key?.kmsKeyARN]
            if try KeyProblem.first(of: keys, for: volume.owner, in: transaction) != nil {
                try transaction.remove(volume)
                return
            }
            volume.state = .available
            try transaction.save(volume)
        }
        scheduler.register(.volumeDeleted) { transition, transaction in
            guard let volume = try transaction.fetch(Volume.self, id: transition.resourceID) else {
                try transaction.deleteBlockMap(of: transition.resourceID)
                return
            }
            try transaction.remove(volume)
        }
    }

    /// CreateVolume: an empty volume, or a copy-on-write volume of a snapshot, `creating` until
    /// the scheduler makes it `available`. A retry with the request's ClientToken answers with
    /// the volume the first call made.
    package func createVolume(_ caller: Caller, _ request: VolumeRequest) async throws -> (Volume, [Tag]) {
        let (zone, type) = try checkVolumeRequest(caller, request)
        let id = ids.resourceID(.volume)
        let now = clock.now
        return try await write(caller) { transaction in
            if let token = request.clientToken, let earlierID = try transaction.claimedResource(of: token, by: .createVolume, caller: caller),
                let earlier = try transaction.fetch(Volume.self, id: earlierID)
            {
                return (earlier, try transaction.tags(on: earlierID, by: caller.account))
            }
            let volume = try recordVolume(request, id: id, zone: zone, type: type, caller: caller, now: now, in: transaction)
            if let token = request.clientToken {
                try transaction.claimClientToken(token, by: .createVolume, caller: caller, resourceID: id)
            }
            return (volume, request.tags)
        }
    }

    /// The zone and type a CreateVolume names, checked without the store.
    private func checkVolumeRequest(_ caller: Caller, _ request: VolumeRequest) throws -> (AvailabilityZone, VolumeType) {
        guard let zoneName = request.availabilityZone else { throw CloudError.missingParameter("AvailabilityZone") }
        guard let zone = regions.zone(named: zoneName, in: caller.region) else {
            throw CloudError.invalidParameterValue("Invalid availability zone: [\(zoneName)]")
        }
        guard let type = VolumeType(rawValue: request.type ?? "gp2") else {
            throw CloudError.invalidParameterValue(
                "Value (\(request.type ?? "")) for parameter volumeType is invalid. Valid values: "
                    + VolumeType.allCases.map(\.rawValue).joined(separator: ", ")
            )
        }
        if request.multiAttachEnabled == true, type != .io1, type != .io2 {
            throw CloudError.invalidParameterCombination("Multi-Attach is supported only on io1 and io2 volumes.")
        }
        for tag in request.tags { try tag.validate() }
        if let snapshotID = request.snapshotID, !ResourcePrefix.snapshot.matches(snapshotID) {
            throw CloudError.malformedSnapshotID(snapshotID)
        }
        return (zone, type)
    }

    /// Records a new `creating` volume with its tags, and schedules it to become `available`.
    private func recordVolume(
        _ request: VolumeRequest,
        id: String,
        zone: AvailabilityZone,
        type: VolumeType,
        caller: Caller,
        now: Date,
        in transaction: any MetadataTransaction
    ) throws -> Volume {
        // From a snapshot the volume is copy-on-write: it refers to the snapshot's blocks
        // and keeps only what is written to it afterwards.
        var source: Snapshot?
        if let snapshotID = request.snapshotID {
            let snapshot = try transaction.visibleSnapshot(snapshotID, caller: caller)
            guard snapshot.state == .completed else {
                throw CloudError.snapshotNotCompleted(snapshotID)
            }
            guard snapshot.isUsableForData else { throw CloudError.snapshotArchived(snapshotID) }
            source = snapshot
        }
        guard let size = request.size ?? source?.volumeSize else { throw CloudError.missingParameter("size") }
        if let source, size < source.volumeSize {
            throw CloudError.invalidParameterValue(
                "Volume of \(size)GiB is too small; minimum is \(source.volumeSize)GiB for snapshot \(source.id)."
            )
        }
        let performance = try type.resolvePerformance(size: size, iops: request.iops, throughput: request.throughput)
        var encryption = try transaction.resolveEncryption(caller, encrypted: request.encrypted, kmsKeyID: request.kmsKeyID, now: now)
        if let source, source.encrypted {
            if request.encrypted == false {
                throw CloudError.invalidParameterValue("A volume created from an encrypted snapshot must be encrypted.")
            }
            encryption = (true, request.kmsKeyID.map { KMSKey.arn(reference: $0, account: caller.account, region: caller.region) } ?? source.kmsKeyID)
        }
        var volume = Volume(
            id: id,
            owner: caller.account,
            region: caller.region,
            availabilityZone: zone.name,
            size: size,
            type: type,
            iops: performance.iops,
            throughput: performance.throughput,
            encrypted: encryption.encrypted,
            kmsKeyID: encryption.kmsKeyID,
            snapshotID: source?.id,
            state: .creating,
            createTime: now,
            multiAttachEnabled: request.multiAttachEnabled ?? false
        )
        volume.sourceDomain = source?.domain
        try transaction.save(volume)
        for tag in request.tags {
            try transaction.putTag(tag, on: volume.id, resourceType: "volume", by: caller.account, region: caller.region)
        }
        try scheduler.schedule(.volumeAvailable, resourceID: volume.id, in: transaction)
        return volume
    }

    /// DescribeVolumes: the caller's volumes in its region, with their tags.
    package func describeVolumes(
        _ caller: Caller,
        ids requested: [String]?,
        filters: [Filter],
        page: PageRequest
    ) async throws -> (volumes: [(Volume, [Tag])], nextToken: String?) {
        let filterSet = try FilterSet(filters, supported: Self.volumeFilterNames, allowsTags: true)
        let zoneIDs = Dictionary((regions.region(caller.region)?.zones ?? []).map { ($0.name, $0.id) }, uniquingKeysWith: { first, _ in first })
        if let requested, !requested.isEmpty, page.maxResults != nil {
            throw CloudError.invalidParameterCombination("The parameter volumeSet cannot be used with the parameter maxResults")
        }
        for id in requested ?? [] where !ResourcePrefix.volume.matches(id) {
            throw CloudError.malformedVolumeID(id)
        }
        let listable: @Sendable (Volume) -> Bool = { volume in volume.owner == caller.account && volume.state != .deleted && volume.ephemeralOf == nil
        }
        let admits = { (candidate: (Volume, [Tag])) in
            filterSet.admits { name in
                name == "availability-zone-id"
                    ? zoneIDs[candidate.0.availabilityZone].map { [$0] } ?? []
                    : Self.filterValues(name, of: candidate.0, tags: candidate.1)
            }
        }
        return try await describeOwned(
            caller,
            Volume.self,
            ids: requested,
            listable: listable,
            notFound: { CloudError.volumeNotFound($0) },
            page: page,
            admits: admits
        )
    }

    /// The filters DescribeVolumes takes, besides tags: those EC2's model documents.
    static let volumeFilterNames: Set<String> = DocumentedFilters.describeVolumes.union([
        "availability-zone", "create-time", "encrypted", "multi-attach-enabled", "size", "snapshot-id", "status",
        "volume-id", "volume-type", "attachment.instance-id", "attachment.status", "attachment.device",
        "attachment.delete-on-termination", "attachment.attach-time",
    ])

    /// The values of filter `name` for `volume`.
    static func filterValues(_ name: String, of volume: Volume, tags: [Tag]) -> [String] {
        if let values = FilterSet.tagValues(name, tags: tags) { return values }
        switch name {
        case "availability-zone": return [volume.availabilityZone]
        case "create-time": return [volume.createTime.iso8601Text]
        case "encrypted": return [String(volume.encrypted)]
        case "multi-attach-enabled": return [String(volume.multiAttachEnabled)]
        case "size": return [String(volume.size)]
        case "snapshot-id": return [volume.snapshotID ?? ""]
        case "status": return [volume.state.rawValue]
        case "volume-id": return [volume.id]
        case "volume-type": return [volume.type.rawValue]
        case "attachment.instance-id": return volume.attachment.map { [$0.instanceID] } ?? []
        case "attachment.device": return volume.attachment.map { [$0.device] } ?? []
        case "attachment.status": return volume.attachment.map { _ in ["attached"] } ?? []
        case "attachment.delete-on-termination": return volume.attachment.map { [String($0.deleteOnTermination)] } ?? []
        case "attachment.attach-time": return volume.attachment.map { [$0.attachTime.iso8601Text] } ?? []
        case "fast-restored", "operator.managed": return ["false"]
        default: return []
        }
    }

    /// ModifyVolume: grow a volume or change its type and performance; returns the volume before and after.
    package func modifyVolume(_ caller: Caller, id: String, size: Int?, type: String?, iops: Int?, throughput: Int?) async throws -> (Volume, Volume)
    {
        guard ResourcePrefix.volume.matches(id) else { throw CloudError.malformedVolumeID(id) }
        return try await write(caller) { transaction in
            let before = try transaction.liveVolume(id, caller: caller)
            var after = before
            if let size {
                guard size >= before.size else {
                    throw CloudError.invalidParameterValue("New size cannot be smaller than existing size (\(before.size)GiB).")
                }
                after.size = size
            }
            if let type {
                guard let newType = VolumeType(rawValue: type) else {
                    throw CloudError.invalidParameterValue("Value (\(type)) for parameter volumeType is invalid.")
                }
                after.type = newType
            }
            if size == nil, type == nil, iops == nil, throughput == nil {
                throw CloudError.missingParameter("Size, VolumeType, Iops or Throughput")
            }
            let keepIOPS = after.type == before.type && after.type.provisionedIOPS != nil ? before.iops : nil
            let keepThroughput = after.type == before.type && after.type == .gp3 ? before.throughput : nil
            let performance = try after.type.resolvePerformance(size: after.size, iops: iops ?? keepIOPS, throughput: throughput ?? keepThroughput)
            after.iops = performance.iops
            after.throughput = performance.throughput
            try transaction.save(after)
            return (before, after)
        }
    }

    /// DeleteVolume: an `available` volume goes to `deleting`, then away.
    package func deleteVolume(_ caller: Caller, id: String) async throws {
        guard ResourcePrefix.volume.matches(id) else {
            throw CloudError.malformedVolumeID(id)
        }
        let scheduler = self.scheduler
        try await write(caller) { transaction in
            guard var volume = try transaction.fetch(Volume.self, id: id), volume.owner == caller.account,
                volume.region == caller.region, volume.state != .deleted, volume.state != .deleting
            else {
                throw CloudError.volumeNotFound([id])
            }
            guard volume.state != .inUse else {
                throw CloudError.volumeInUse(id, attachedTo: volume.attachment?.instanceID)
            }
            volume.state = .deleting
            try transaction.save(volume)
            try scheduler.schedule(.volumeDeleted, resourceID: id, in: transaction)
        }
    }
}
