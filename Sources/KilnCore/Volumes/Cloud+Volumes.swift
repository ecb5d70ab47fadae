import Foundation

extension ScheduledTransition.Kind {
    /// A created volume becomes `available`.
    public static let volumeAvailable = Self(rawValue: "volume.available")
    /// A deleting volume disappears.
    public static let volumeDeleted = Self(rawValue: "volume.deleted")
}

/// What CreateVolume asks for.
public struct VolumeRequest: Sendable {
    public var availabilityZone: String?
    public var size: Int?
    public var snapshotID: String?
    public var type: String?
    public var iops: Int?
    public var throughput: Int?
    public var encrypted: Bool?
    public var kmsKeyID: String?
    public var multiAttachEnabled: Bool?
    public var tags: [Tag]

    /// Describes a CreateVolume request.
    public init(
        availabilityZone: String?,
        size: Int?,
        snapshotID: String? = nil,
        type: String? = nil,
        iops: Int? = nil,
        throughput: Int? = nil,
        encrypted: Bool? = nil,
        kmsKeyID: String? = nil,
        multiAttachEnabled: Bool? = nil,
        tags: [Tag] = []
    ) {
        self.availabilityZone = availabilityZone
        self.size = size
        self.snapshotID = snapshotID
        self.type = type
        self.iops = iops
        self.throughput = throughput
        self.encrypted = encrypted
        self.kmsKeyID = kmsKeyID
        self.multiAttachEnabled = multiAttachEnabled
        self.tags = tags
    }
}

extension Cloud {
    static func registerVolumeTransitions(in scheduler: inout TransitionScheduler) {
        scheduler.register(.volumeAvailable) { transition, transaction in
            guard var volume = try transaction.fetch(Volume.self, id: transition.resourceID), volume.state == .creating else { return }
            volume.state = .available
            try transaction.save(volume)
        }
        scheduler.register(.volumeDeleted) { transition, transaction in
            try transaction.delete(Volume.self, id: transition.resourceID)
        }
    }

    /// CreateVolume: an empty volume, `creating` until the scheduler makes it `available`.
    public func createVolume(_ caller: Caller, _ request: VolumeRequest) async throws -> (Volume, [Tag]) {
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
        if let snapshotID = request.snapshotID {
            // Snapshots arrive with the data plane; until then none exists.
            throw CloudError("InvalidSnapshot.NotFound", "The snapshot '\(snapshotID)' does not exist.")
        }
        guard let size = request.size else { throw CloudError.missingParameter("size") }
        let performance = try type.resolvePerformance(size: size, iops: request.iops, throughput: request.throughput)
        if request.multiAttachEnabled == true, type != .io1, type != .io2 {
            throw CloudError.invalidParameterCombination("Multi-Attach is supported only on io1 and io2 volumes.")
        }
        if request.kmsKeyID != nil, request.encrypted != true {
            throw CloudError("InvalidParameterDependency", "The parameter KmsKeyId requires the parameter Encrypted to be set.")
        }
        for tag in request.tags { try tag.validate() }
        let volume = Volume(
            id: ids.resourceID(.volume),
            owner: caller.account,
            region: caller.region,
            availabilityZone: zone.name,
            size: size,
            type: type,
            iops: performance.iops,
            throughput: performance.throughput,
            encrypted: request.encrypted ?? false,
            kmsKeyID: request.kmsKeyID,
            snapshotID: nil,
            state: .creating,
            createTime: clock.now,
            multiAttachEnabled: request.multiAttachEnabled ?? false
        )
        let scheduler = self.scheduler
        let tags = request.tags
        try await write(caller) { transaction in
            try transaction.save(volume)
            for tag in tags {
                try transaction.putTag(tag, on: volume.id, resourceType: "volume", by: caller.account, region: caller.region)
            }
            try scheduler.schedule(.volumeAvailable, resourceID: volume.id, in: transaction)
        }
        return (volume, tags)
    }

    /// DescribeVolumes: the caller's volumes in its region, with their tags.
    public func describeVolumes(
        _ caller: Caller,
        ids requested: [String]?,
        filters: [Filter],
        page: PageRequest
    ) async throws -> (volumes: [(Volume, [Tag])], nextToken: String?) {
        let filterSet = try FilterSet(
            filters,
            supported: [
                "availability-zone", "create-time", "encrypted", "multi-attach-enabled", "size", "snapshot-id", "status",
                "volume-id", "volume-type", "attachment.instance-id", "attachment.status",
            ],
            allowsTags: true
        )
        if let requested, !requested.isEmpty, page.maxResults != nil {
            throw CloudError.invalidParameterCombination("The parameter volumeSet cannot be used with the parameter maxResults")
        }
        for id in requested ?? [] where !ResourcePrefix.volume.matches(id) {
            throw CloudError("InvalidVolumeID.Malformed", "Invalid id: \"\(id)\"")
        }
        let listed: [(Volume, [Tag])] = try await read(caller) { transaction in
            let volumes = try transaction.fetchAll(Volume.self, region: caller.region, owner: caller.account)
                .filter { $0.state != .deleted }
            if let requested, !requested.isEmpty {
                let missing = requested.filter { id in !volumes.contains { $0.id == id } }
                if !missing.isEmpty {
                    throw CloudError("InvalidVolume.NotFound", "The volume '\(missing.joined(separator: ", "))' does not exist.")
                }
            }
            return try volumes.filter { requested?.isEmpty != false || requested?.contains($0.id) == true }
                .map { ($0, try transaction.tags(on: $0.id, by: caller.account)) }
        }
        let matching = listed.filter { volume, tags in
            filterSet.admits { name in
                if let values = FilterSet.tagValues(name, tags: tags) { return values }
                switch name {
                case "availability-zone": return [volume.availabilityZone]
                case "create-time": return [volume.createTime.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))]
                case "encrypted": return [String(volume.encrypted)]
                case "multi-attach-enabled": return [String(volume.multiAttachEnabled)]
                case "size": return [String(volume.size)]
                case "snapshot-id": return [volume.snapshotID ?? ""]
                case "status": return [volume.state.rawValue]
                case "volume-id": return [volume.id]
                case "volume-type": return [volume.type.rawValue]
                default: return []
                }
            }
        }
        let (items, nextToken) = try page.page(of: matching)
        return (items, nextToken)
    }

    /// DeleteVolume: an `available` volume goes to `deleting`, then away.
    public func deleteVolume(_ caller: Caller, id: String) async throws {
        guard ResourcePrefix.volume.matches(id) else {
            throw CloudError("InvalidVolumeID.Malformed", "Invalid id: \"\(id)\"")
        }
        let scheduler = self.scheduler
        try await write(caller) { transaction in
            guard var volume = try transaction.fetch(Volume.self, id: id), volume.owner == caller.account,
                volume.region == caller.region, volume.state != .deleted, volume.state != .deleting
            else {
                throw CloudError("InvalidVolume.NotFound", "The volume '\(id)' does not exist.")
            }
            guard volume.state != .inUse else {
                throw CloudError("VolumeInUse", "Volume \(id) is currently attached to an instance")
            }
            volume.state = .deleting
            try transaction.save(volume)
            try scheduler.schedule(.volumeDeleted, resourceID: id, in: transaction)
        }
    }
}
