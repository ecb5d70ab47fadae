import Foundation

/// Instances: launching, states, attributes, status and console output.
package struct InstanceService: CloudService {
    package let context: CloudContext
}

extension ScheduledTransition.Kind {
    /// A pending instance finishes booting.
    package static let instanceRunning = Self(rawValue: "instance.running")
    /// A stopping instance comes to rest.
    package static let instanceStopped = Self(rawValue: "instance.stopped")
    /// A shutting-down instance is gone.
    package static let instanceTerminated = Self(rawValue: "instance.terminated")
}

/// The instances of one RunInstances call.
package struct Reservation: Sendable {
    package var id: String
    package var owner: AccountID
    package var instances: [Instance]
    /// The tags on each instance, by instance id.
    package var tags: [String: [Tag]]
}

/// RunInstances and DescribeInstances: instances launched from images, with copy-on-write
/// volumes from the images' snapshots.
extension InstanceService {
    /// How long a terminated instance stays visible.
    static let terminatedVisibility: TimeInterval = 3600

    /// With `machinesDriveStates`, instances leave `pending`, `stopping` and `shutting-down`
    /// when their machines say so (``machineBooted(_:)``, ``machineEnded(_:cause:)``), not on
    /// the scheduler's time.
    static func registerTransitions(in scheduler: inout TransitionScheduler, machinesDriveStates: Bool = false) {
        scheduler.register(.instanceRunning) { transition, transaction in
            guard var instance = try transaction.fetch(Instance.self, id: transition.resourceID), instance.state == .pending else { return }
            // Booting decrypts every volume: a key the owner cannot use ends the launch, as on AWS.
            let volumes = try instance.devices.compactMap { try transaction.fetch(Volume.self, id: $0.volumeID) }
            let keys = volumes.flatMap { [$0.encrypted ? $0.kmsKeyID : nil, $0.sourceDomain?.key?.kmsKeyARN] }
            if let (problem, _) = try KeyProblem.first(of: keys, for: instance.owner, in: transaction) {
                for volume in volumes {
                    try transaction.remove(volume)
                }
                instance.state = .terminated
                instance.terminatedAt = transition.due
                instance.stateReason = problem.launchFailure
                instance.stateTransitionReason = "Server.InternalError"
                instance.devices = []
                try transaction.releaseNetwork(of: instance)
                try transaction.save(instance)
                return
            }
            if machinesDriveStates { return }
            instance.state = .running
            instance.bootCount += 1
            try transaction.save(instance)
        }
        scheduler.register(.instanceStopped) { transition, transaction in
            guard !machinesDriveStates else { return }
            guard var instance = try transaction.fetch(Instance.self, id: transition.resourceID), instance.state == .stopping else { return }
            instance.state = .stopped
            try transaction.save(instance)
        }
        scheduler.register(.instanceTerminated) { transition, transaction in
            guard !machinesDriveStates else { return }
            guard var instance = try transaction.fetch(Instance.self, id: transition.resourceID), instance.state == .shuttingDown else { return }
            instance.state = .terminated
            instance.terminatedAt = transition.due
            instance.devices = []
            instance.ephemeralRootVolumeID = nil
            try transaction.releaseNetwork(of: instance)
            try transaction.save(instance)
        }
    }

    /// An instance the caller owns in its region and can still see; `InvalidInstanceID.NotFound` otherwise.
    func ownedInstance(_ id: String, caller: Caller, in transaction: any MetadataTransaction) throws -> Instance {
        guard ResourcePrefix.instance.matches(id) else { throw CloudError.malformedInstanceID(id) }
        guard let instance = try transaction.fetch(Instance.self, id: id), instance.owner == caller.account, instance.region == caller.region,
            isVisible(instance)
        else { throw CloudError.instanceNotFound([id]) }
        return instance
    }

    /// Whether an instance still shows: terminated ones fade after an hour.
    func isVisible(_ instance: Instance) -> Bool {
        guard let terminatedAt = instance.terminatedAt else { return true }
        return clock.now.timeIntervalSince(terminatedAt) < Self.terminatedVisibility
    }

    /// An image the caller may launch now: visible to it, and available (deprecated images
    /// launch by id; disabled and deregistered ones do not).
    func launchableImage(_ id: String, caller: Caller, in transaction: any MetadataTransaction) throws -> Image {
        let image = try context.images.visibleImage(id, caller: caller, in: transaction)
        switch image.state {
        case .available: return image
        case .disabled: throw CloudError.disabledImageCannotLaunch(id)
        case .deregistered: throw CloudError.imageNotFound([id])
        default: throw CloudError.imageUnavailable(id, image.state.rawValue)
        }
    }

    /// RunInstances: `maxCount` instances (at least `minCount`) from an image, `pending` until
    /// the scheduler makes them `running`. EBS roots are copy-on-write volumes of the image's
    /// snapshots; no block is copied. An instance-store root is materialized from its bundle.
    ///
    /// A ClientToken is claimed in the transaction that records the instances, so of two calls
    /// with one token only one launches; the other answers with its reservation.
    package func runInstances(_ caller: Caller, _ request: LaunchRequest) async throws -> Reservation {
        try Self.checkCounts(request)
        let (data, template) = try await resolveLaunchData(caller, request)
        let placement = try checkPlacement(caller, data)
        if let token = request.clientToken,
            let earlier = try await read(caller, { try self.earlierReservation(token, imageID: placement.imageID, caller: caller, in: $0) })
        {
            return earlier
        }
        if !caller.dryRun { try await context.runtime.admit(instanceType: placement.typeName, count: request.minCount) }
        let plan = try await planLaunch(caller, request, data: data, template: template, placement: placement)
        let reservation = try await write(caller) { transaction in
            if let token = request.clientToken,
                let earlier = try earlierReservation(token, imageID: placement.imageID, caller: caller, in: transaction)
            {
                return earlier
            }
            return try recordLaunch(plan, caller: caller, in: transaction)
        }
        await context.runtime.instancesChanged(RuntimeChange(.launch, instanceIDs: reservation.instances.map(\.id)))
        return reservation
    }

    /// The counts AWS allows: at least one, `minCount` at most `maxCount`, and 1,000 at most.
    static func checkCounts(_ request: LaunchRequest) throws {
        guard request.minCount >= 1 else {
            throw CloudError.invalidParameterValue("Value (\(request.minCount)) for parameter minCount is invalid. Expected a positive integer.")
        }
        guard request.maxCount >= request.minCount else {
            throw CloudError.invalidParameterValue(
                "Value (\(request.maxCount)) for parameter maxCount is invalid: it must be at least minCount (\(request.minCount))."
            )
        }
        guard request.maxCount <= 1000 else {
            throw CloudError.instanceLimitExceeded(request.maxCount)
        }
    }

    /// The image, type and zone a launch names, checked without the store.
    func checkPlacement(_ caller: Caller, _ data: LaunchTemplateData) throws -> LaunchPlacement {
        guard let imageID = data.imageID else { throw CloudError.missingParameter("ImageId") }
        let typeName = data.instanceType ?? "m1.small"
        guard let type = InstanceTypeCatalog.info(typeName) else {
            throw CloudError.invalidParameterValue("Invalid value '\(typeName)' for InstanceType.")
        }
        let zone: String
        if let requested = data.availabilityZone {
            guard regions.zone(named: requested, in: caller.region) != nil else {
                throw CloudError.invalidParameterValue("Invalid availability zone: [\(requested)]")
            }
            zone = requested
        } else {
            guard let first = try regions.requireEnabled(caller.region).zones.first else {
                throw CloudError.regionWithoutZones(caller.region)
            }
            zone = first.name
        }
        if let behavior = data.shutdownBehavior, ShutdownBehavior(rawValue: behavior) == nil {
            throw CloudError.invalidParameterValue("Value (\(behavior)) for parameter instanceInitiatedShutdownBehavior is invalid.")
        }
        for tags in (data.tags ?? [:]).values { for tag in tags { try tag.validate() } }
        return LaunchPlacement(imageID: imageID, typeName: typeName, type: type, zone: zone)
    }

    /// Checks the image against the type, materializes an instance-store root, and draws the
    /// ids the launch will use.
    func planLaunch(
        _ caller: Caller,
        _ request: LaunchRequest,
        data: LaunchTemplateData,
        template: Instance.TemplateReference?,
        placement: LaunchPlacement
    ) async throws -> LaunchPlan {
        let image = try await read(caller) { try self.launchableImage(placement.imageID, caller: caller, in: $0) }
        let type = placement.type
        guard type.runs(architecture: image.architecture) else {
            throw CloudError.invalidParameterValue(
                "The architecture '\(type.architectures.last ?? "")' of the specified instance type does not match the architecture '\(image.architecture)' of the specified AMI. Specify an instance type and an AMI that have matching architectures, and try again."
            )
        }
        var bundle: MaterializedBundle?
        if !image.isEBSBacked {
            guard type.instanceStorageGB != nil else {
                throw CloudError.typeWithoutInstanceStorage(placement.typeName, image.id)
            }
            bundle = try await context.bundles.materializeBundle(at: image.imageLocation ?? "", region: caller.region)
        }
        let profile = try data.iamInstanceProfile.flatMap { try InstanceProfile(arn: $0.arn, name: $0.name, account: caller.account) }
        let network = try await context.networks.resolveLaunchNetwork(caller, data, count: request.maxCount)
        var placement = placement
        placement.zone = network.availabilityZone
        let volumesPerInstance = max(image.blockDeviceMappings.count, 1) + (data.mappings?.count ?? 0)
        let instanceIDs = (0..<request.maxCount).map { _ in ids.resourceID(.instance) }
        return LaunchPlan(
            request: request,
            data: data,
            template: template,
            placement: placement,
            bundle: bundle,
            reservationID: ids.resourceID(.reservation),
            instanceIDs: instanceIDs,
            volumeIDs: instanceIDs.map { _ in (0..<volumesPerInstance).map { _ in ids.resourceID(.volume) } },
            now: clock.now,
            network: network,
            profile: profile,
            // Only a runtime with real machines ties an instance to the node that runs it.
            node: context.runtime.drivesStates ? context.nodeID : nil
        )
    }

    /// Records the instances of a planned launch, their volumes and tags, and claims the
    /// launch's ClientToken.
    func recordLaunch(_ plan: LaunchPlan, caller: Caller, in transaction: any MetadataTransaction) throws -> Reservation {
        let data = plan.data
        var image = try launchableImage(plan.placement.imageID, caller: caller, in: transaction)
        var publicKey: String?
        if let keyName = data.keyName {
            guard let keyPair = try context.keyPairs.keyPair(named: keyName, caller: caller, in: transaction) else {
                throw CloudError.keyPairNotFound(keyName)
            }
            publicKey = keyPair.publicKey
        }
        let metadataOptions = try plan.metadataOptions(image: image)
        let devices = try launchDevices(image: image, overrides: data.mappings ?? [], caller: caller, in: transaction)
        var instances: [Instance] = []
        var tagsByInstance: [String: [Tag]] = [:]
        for (index, instanceID) in plan.instanceIDs.enumerated() {
            var instance = plan.instance(index, image: image, caller: caller)
            instance.publicKey = publicKey
            instance.metadataOptions = metadataOptions
            var volumeIDsLeft = plan.volumeIDs[index][...]
            if let bundle = plan.bundle, let volumeID = volumeIDsLeft.popFirst() {
                try recordEphemeralRoot(bundle, volumeID: volumeID, of: &instance, zone: plan.placement.zone, now: plan.now, in: transaction)
            }
            try recordLaunchVolumes(devices, ids: volumeIDsLeft, of: &instance, plan: plan, caller: caller, in: transaction)
            if let network = plan.network {
                try context.networks.attachPrimaryInterface(network, to: &instance, now: plan.now, in: transaction)
            }
            try transaction.save(instance)
            let tags = (data.tags?["instance"] ?? []) + plan.request.systemTags
            for tag in tags {
                try transaction.putTag(tag, on: instanceID, resourceType: "instance", by: caller.account, region: caller.region)
            }
            tagsByInstance[instanceID] = tags
            try scheduler.schedule(.instanceRunning, resourceID: instanceID, in: transaction)
            instances.append(instance)
        }
        image.lastLaunchedTime = plan.now
        try transaction.saveImage(image)
        if let token = plan.request.clientToken {
            try transaction.claimClientToken(token, by: .runInstances, caller: caller, resourceID: plan.reservationID, members: plan.instanceIDs)
        }
        return Reservation(id: plan.reservationID, owner: caller.account, instances: instances, tags: tagsByInstance)
    }

    /// Records the EBS volumes a launching instance gets for `devices`, one id of `ids` each,
    /// attached to it, with the request's volume tags.
    private func recordLaunchVolumes(
        _ devices: [LaunchDevice],
        ids: ArraySlice<String>,
        of instance: inout Instance,
        plan: LaunchPlan,
        caller: Caller,
        in transaction: any MetadataTransaction
    ) throws {
        for (device, volumeID) in zip(devices, ids) {
            let volume = try makeLaunchVolume(
                device,
                id: volumeID,
                instanceID: instance.id,
                zone: plan.placement.zone,
                caller: caller,
                now: plan.now,
                in: transaction
            )
            instance.devices.append(
                Instance.Device(
                    deviceName: device.deviceName,
                    volumeID: volumeID,
                    deleteOnTermination: device.deleteOnTermination,
                    attachTime: plan.now
                )
            )
            for tag in plan.data.tags?["volume"] ?? [] {
                try transaction.putTag(tag, on: volume.id, resourceType: "volume", by: caller.account, region: caller.region)
            }
        }
    }

    /// Records the ephemeral root of an instance-store instance: a volume whose map is the
    /// bundle's blocks, which ends with the instance.
    private func recordEphemeralRoot(
        _ bundle: MaterializedBundle,
        volumeID: String,
        of instance: inout Instance,
        zone: String,
        now: Date,
        in transaction: any MetadataTransaction
    ) throws {
        var root = Volume(
            id: volumeID,
            owner: instance.owner,
            region: instance.region,
            availabilityZone: zone,
            size: bundle.sizeGiB,
            type: .standard,
            iops: nil,
            throughput: nil,
            encrypted: false,
            kmsKeyID: nil,
            snapshotID: nil,
            state: .inUse,
            createTime: now,
            multiAttachEnabled: false
        )
        root.ephemeralOf = instance.id
        try transaction.save(root)
        try transaction.putBlockEntries(bundle.entries, of: volumeID, domain: EncryptionDomain.unencrypted(instance.region).id)
        instance.ephemeralRootVolumeID = volumeID
    }

    /// The reservation an earlier RunInstances with `token` made, if any; a token used with
    /// another image is refused.
    func earlierReservation(_ token: String, imageID: String, caller: Caller, in transaction: any MetadataTransaction) throws -> Reservation? {
        guard let claim = try transaction.clientTokenClaim(token, by: .runInstances, caller: caller) else { return nil }
        let instances = try (claim.memberIDs ?? []).compactMap { try transaction.fetch(Instance.self, id: $0) }
        guard let first = instances.first else { return nil }
        guard first.imageID == imageID else {
            throw CloudError.clientTokenMismatch(token)
        }
        let tags = try transaction.tags(on: instances.map(\.id), by: caller.account)
        return Reservation(id: claim.resourceID, owner: caller.account, instances: instances, tags: tags)
    }

    /// The launch parameters once the template (if any) is applied and `resolve:ssm:` resolved.
    func resolveLaunchData(_ caller: Caller, _ request: LaunchRequest) async throws -> (LaunchTemplateData, Instance.TemplateReference?) {
        var data = request.data
        var reference: Instance.TemplateReference?
        if let specifier = request.template {
            let (template, version) = try await read(caller) { transaction in
                let template = try context.launchTemplates.ownedLaunchTemplate(
                    id: specifier.id,
                    name: specifier.name,
                    caller: caller,
                    in: transaction
                )
                guard let version = template.version(specifier.version) else {
                    throw CloudError.launchTemplateVersionNotFound(specifier.version ?? "$Default", template: template)
                }
                return (template, version)
            }
            data = version.data.overridden(by: request.data)
            reference = Instance.TemplateReference(id: template.id, version: version.number)
        }
        if let imageID = data.imageID {
            data.imageID = try await resolveImageAlias(caller, imageID)
        }
        return (data, reference)
    }

    /// An image id as given, or the one the SSM parameter of a `resolve:ssm:NAME` names.
    package func resolveImageAlias(_ caller: Caller, _ imageID: String) async throws -> String {
        guard imageID.hasPrefix("resolve:ssm:") else { return imageID }
        let name = String(imageID.dropFirst("resolve:ssm:".count))
        guard let parameter = try await context.parameters.parameter(caller, name: name) else {
            throw CloudError.invalidParameterValue("Invalid value for parameter ImageId: the SSM parameter \(name) does not exist.")
        }
        return parameter.value
    }

    /// The image's devices with the launch's overrides applied: sizes, types and
    /// DeleteOnTermination changed, devices suppressed with NoDevice, new ones added.
    func launchDevices(
        image: Image,
        overrides: [ImageRegistration.Mapping],
        caller: Caller,
        in transaction: any MetadataTransaction
    ) throws -> [LaunchDevice] {
        var devices: [LaunchDevice] = image.blockDeviceMappings.compactMap { mapping in
            guard !mapping.noDevice, let ebs = mapping.ebs else { return nil }
            return LaunchDevice(deviceName: mapping.deviceName, ebs: ebs)
        }
        for (position, override) in overrides.enumerated() {
            guard let name = override.deviceName, !name.isEmpty else {
                throw CloudError.missingParameter("BlockDeviceMapping.\(position + 1).DeviceName")
            }
            if override.noDevice {
                guard name != image.rootDeviceName || !image.isEBSBacked else {
                    throw CloudError.rootDeviceSuppressed(name)
                }
                devices.removeAll { $0.deviceName == name }
                continue
            }
            if override.virtualName != nil { continue }
            if let existing = devices.firstIndex(where: { $0.deviceName == name }) {
                try applyOverride(override, to: &devices[existing], in: transaction)
            } else {
                guard let added = try context.images.resolveMapping(override, position: position, caller: caller, in: transaction).ebs else {
                    continue
                }
                devices.append(LaunchDevice(deviceName: name, ebs: added))
            }
        }
        return devices
    }

    /// Changes an image's device as a launch's override of it asks: size, type, performance,
    /// DeleteOnTermination and encryption.
    private func applyOverride(
        _ override: ImageRegistration.Mapping,
        to device: inout LaunchDevice,
        in transaction: any MetadataTransaction
    ) throws {
        let name = device.deviceName
        if let snapshotID = override.snapshotID, snapshotID != device.ebs.snapshotID {
            throw CloudError.snapshotOfImageDeviceFixed(name)
        }
        if let size = override.volumeSize {
            let minimum = try device.ebs.snapshotID.flatMap { try transaction.fetch(Snapshot.self, id: $0)?.volumeSize } ?? 1
            guard size >= minimum else {
                throw CloudError.mappingSmallerThanSnapshot(size, device.ebs.snapshotID ?? "", minimum)
            }
            device.ebs.volumeSize = size
        }
        if let typeName = override.volumeType {
            guard let type = VolumeType(rawValue: typeName) else {
                throw CloudError.invalidParameterValue("Value (\(typeName)) for parameter volumeType is invalid.")
            }
            device.ebs.volumeType = type
        }
        let performance = try device.ebs.volumeType.resolvePerformance(
            size: device.ebs.volumeSize,
            iops: override.iops ?? (override.volumeType == nil ? device.ebs.iops : nil),
            throughput: override.throughput ?? (override.volumeType == nil ? device.ebs.throughput : nil)
        )
        device.ebs.iops = performance.iops
        device.ebs.throughput = performance.throughput
        device.ebs.deleteOnTermination = override.deleteOnTermination ?? device.ebs.deleteOnTermination
        if override.encrypted == true { device.ebs.encrypted = true }
        if override.encrypted == false, device.ebs.encrypted {
            throw CloudError.deviceMustStayEncrypted(name)
        }
        device.ebs.kmsKeyID = override.kmsKeyID ?? device.ebs.kmsKeyID
    }

    /// A device an instance launches with.
    struct LaunchDevice {
        var deviceName: String
        var ebs: Image.EBSDevice
        var deleteOnTermination: Bool { ebs.deleteOnTermination }
    }

    /// The volume a launch makes for one device: copy-on-write from its snapshot, attached.
    func makeLaunchVolume(
        _ device: LaunchDevice,
        id: String,
        instanceID: String,
        zone: String,
        caller: Caller,
        now: Date,
        in transaction: any MetadataTransaction
    ) throws -> Volume {
        var source: Snapshot?
        if let snapshotID = device.ebs.snapshotID {
            guard let snapshot = try transaction.fetch(Snapshot.self, id: snapshotID), snapshot.state == .completed else {
                throw CloudError.ec2SnapshotNotFound([snapshotID])
            }
            guard snapshot.isUsableForData else { throw CloudError.snapshotArchived(snapshotID) }
            source = snapshot
        }
        var (encrypted, kmsKeyID) = try transaction.resolveEncryption(
            caller,
            encrypted: device.ebs.encrypted ? true : nil,
            kmsKeyID: source?.encrypted == true ? nil : device.ebs.kmsKeyID,
            now: clock.now
        )
        if let source, source.encrypted {
            encrypted = true
            kmsKeyID = device.ebs.kmsKeyID ?? source.kmsKeyID
        }
        var volume = Volume(
            id: id,
            owner: caller.account,
            region: caller.region,
            availabilityZone: zone,
            size: device.ebs.volumeSize,
            type: device.ebs.volumeType,
            iops: device.ebs.iops,
            throughput: device.ebs.throughput,
            encrypted: encrypted,
            kmsKeyID: kmsKeyID,
            snapshotID: source?.id,
            state: .inUse,
            createTime: now,
            multiAttachEnabled: false
        )
        volume.sourceDomain = source?.domain
        volume.attachment = Volume.Attachment(
            instanceID: instanceID,
            device: device.deviceName,
            attachTime: now,
            deleteOnTermination: device.deleteOnTermination
        )
        try transaction.save(volume)
        return volume
    }

    /// A private address in the default VPC's range, stable for an instance id.
    static func privateAddress(for instanceID: String) -> String {
        let digits = instanceID.suffix(4)
        let value = Int(digits, radix: 16) ?? 0
        return "172.31.\(value >> 8 % 256).\(max(4, value & 0xff))"
    }

    /// DescribeInstances: the caller's instances, filtered and paged, grouped by reservation.
    ///
    /// A page holds up to MaxResults instances read from the store in id order (see
    /// ``CloudService/describeOwned(_:_:ids:listable:notFound:page:admits:)``), so it costs
    /// the same however many instances the account has; its reservations come in launch
    /// order, each with its instances of the page in launch index order.
    package func describeInstances(
        _ caller: Caller,
        ids requested: [String]?,
        filters: [Filter],
        page: PageRequest
    ) async throws -> (reservations: [Reservation], nextToken: String?) {
        let filterSet = try FilterSet(filters, supported: Self.instanceFilterNames, allowsTags: true)
        let zoneIDs = Dictionary((regions.region(caller.region)?.zones ?? []).map { ($0.name, $0.id) }, uniquingKeysWith: { first, _ in first })
        let requested = (requested?.isEmpty ?? true) ? nil : requested
        if requested != nil, page.maxResults != nil {
            throw CloudError.invalidParameterCombination("The parameter instancesSet cannot be used with the parameter maxResults")
        }
        for id in requested ?? [] where !ResourcePrefix.instance.matches(id) { throw CloudError.malformedInstanceID(id) }
        let (found, nextToken) = try await describeOwned(
            caller,
            Instance.self,
            ids: requested,
            listable: { self.isVisible($0) },
            notFound: { CloudError.instanceNotFound($0) },
            page: page,
            admits: { candidate in
                filterSet.admits { name in
                    name == "availability-zone-id"
                        ? zoneIDs[candidate.0.availabilityZone].map { [$0] } ?? []
                        : Self.instanceFilterValues(name, instance: candidate.0, tags: candidate.1)
                }
            }
        )
        return (Self.reservations(of: found), nextToken)
    }

    /// The reservations of `instances`, in launch order, each with its instances in launch
    /// index order and their tags.
    static func reservations(of instances: [(Instance, [Tag])]) -> [Reservation] {
        let launchOrder = instances.sorted {
            ($0.0.launchTime, $0.0.reservationID, $0.0.launchIndex) < ($1.0.launchTime, $1.0.reservationID, $1.0.launchIndex)
        }
        var reservations: [Reservation] = []
        var positions: [String: Int] = [:]
        for (instance, tags) in launchOrder {
            if let position = positions[instance.reservationID] {
                reservations[position].instances.append(instance)
                reservations[position].tags[instance.id] = tags
            } else {
                positions[instance.reservationID] = reservations.count
                reservations.append(Reservation(id: instance.reservationID, owner: instance.owner, instances: [instance], tags: [instance.id: tags]))
            }
        }
        return reservations
    }

    /// The DescribeInstances filters Kiln answers: those EC2's model documents, and older names AWS still takes.
    static let instanceFilterNames: Set<String> = DocumentedFilters.describeInstances.union([
        "architecture", "availability-zone", "block-device-mapping.attach-time", "block-device-mapping.delete-on-termination",
        "block-device-mapping.device-name", "block-device-mapping.status", "block-device-mapping.volume-id", "boot-mode", "client-token",
        "dns-name", "hypervisor", "image-id", "instance-id", "instance-lifecycle", "instance-state-code", "instance-state-name", "instance-type",
        "kernel-id", "key-name", "launch-index", "ami-launch-index", "launch-time", "owner-id", "placement-availability-zone", "platform",
        "platform-details", "private-dns-name", "private-ip-address", "product-code", "product-code.type", "ramdisk-id", "reservation-id",
        "root-device-name", "root-device-type", "state-reason-code", "state-reason-message", "usage-operation", "virtualization-type",
        "instance.group-id", "group-id",
    ]).union(NetworkService.instanceFilterNames)

    /// An instance's values for a DescribeInstances filter name.
    static func instanceFilterValues(_ name: String, instance: Instance, tags: [Tag]) -> [String] {
        if let values = FilterSet.tagValues(name, tags: tags) { return values }
        switch name {
        case "architecture": return [instance.architecture]
        case "availability-zone", "placement-availability-zone": return [instance.availabilityZone]
        case "block-device-mapping.attach-time": return instance.devices.map { $0.attachTime.iso8601Text }
        case "block-device-mapping.delete-on-termination": return instance.devices.map { String($0.deleteOnTermination) }
        case "block-device-mapping.device-name": return instance.devices.map(\.deviceName)
        case "block-device-mapping.status": return instance.devices.map { _ in "attached" }
        case "block-device-mapping.volume-id": return instance.devices.map(\.volumeID)
        case "boot-mode": return instance.bootMode.map { [$0] } ?? []
        case "client-token": return instance.clientToken.map { [$0] } ?? []
        case "hypervisor": return [instance.hypervisor]
        case "image-id": return [instance.imageID]
        case "instance-id": return [instance.id]
        case "instance-state-code": return [String(instance.state.code)]
        case "instance-state-name": return [instance.state.rawValue]
        case "instance-type": return [instance.instanceType]
        case "kernel-id": return instance.kernelID.map { [$0] } ?? []
        case "key-name": return instance.keyName.map { [$0] } ?? []
        case "launch-index", "ami-launch-index": return [String(instance.launchIndex)]
        case "launch-time": return [instance.launchTime.iso8601Text]
        case "owner-id": return [instance.owner.rawValue]
        case "platform": return instance.platform.map { [$0] } ?? []
        case "platform-details": return [instance.platformDetails]
        case "private-dns-name": return [instance.privateDNSName]
        case "private-ip-address": return [instance.privateIPAddress]
        case "product-code": return instance.productCodes.map(\.id)
        case "product-code.type": return instance.productCodes.map(\.type)
        case "ramdisk-id": return instance.ramdiskID.map { [$0] } ?? []
        case "reservation-id": return [instance.reservationID]
        case "root-device-name": return [instance.rootDeviceName]
        case "root-device-type": return [instance.rootDeviceType]
        case "state-reason-code": return instance.stateReason.map { [$0.code] } ?? []
        case "state-reason-message": return instance.stateReason.map { [$0.message] } ?? []
        case "usage-operation": return [instance.usageOperation]
        case "virtualization-type": return [instance.virtualizationType]
        case "instance.group-id", "group-id": return instance.securityGroupIDs
        default: return NetworkService.instanceFilterValues(name, instance: instance) ?? optionFilterValues(name, instance: instance) ?? []
        }
    }
}
