import Foundation

/// CreateImage: an EBS-backed image from an instance, with a snapshot of each of its volumes.
extension ImageService {
    /// Makes a pending image whose snapshots are incremental to the instance's image; the image
    /// becomes `available` when the last of them completes.
    package func createImage(_ caller: Caller, _ request: ImageCreation) async throws -> String {
        try ImageName.validate(request.name)
        for tag in request.imageTags + request.snapshotTags { try tag.validate() }
        let (instance, volumes) = try await read(caller) { transaction -> (Instance, [Volume]) in
            let instance = try context.instances.ownedInstance(request.instanceID, caller: caller, in: transaction)
            return (instance, try instance.devices.compactMap { try transaction.fetch(Volume.self, id: $0.volumeID) })
        }
        guard instance.isEBSBacked else {
            throw CloudError.instanceNotEBSBackedForImage(instance.id)
        }
        guard instance.state == .running || instance.state == .stopped else {
            throw CloudError.instanceCannotBeImaged(instance.id, instance.state.rawValue)
        }
        // Without NoReboot, a running machine is shut down cleanly first, so that the snapshots
        // hold a quiet file system, and boots again after them.
        let reboots = !request.noReboot && instance.state == .running && !caller.dryRun
        let hold = reboots ? try await context.instances.holdForImage(instance) : nil
        do {
            try await context.runtime.settleVolumes(volumes.map(\.id))
            let imageID = try await snapshotForImage(caller, request, volumes: volumes)
            if let hold { try await context.instances.releaseImageHold(hold) }
            return imageID
        } catch {
            if let hold { try? await context.instances.releaseImageHold(hold) }
            throw error
        }
    }

    /// Reads what the snapshots inherit, then records the image and its snapshots.
    private func snapshotForImage(_ caller: Caller, _ request: ImageCreation, volumes: [Volume]) async throws -> String {
        var inherited: [String: [BlockEntry]] = [:]
        for volume in volumes { inherited[volume.id] = try await context.snapshots.inheritedEntries(of: volume, caller: caller) }
        try await blocks.flush()
        let plan = ImagePlan(
            imageID: ids.resourceID(.image),
            snapshotIDs: Dictionary(uniqueKeysWithValues: volumes.map { ($0.id, ids.resourceID(.snapshot)) }),
            inherited: inherited,
            now: clock.now
        )
        let imageID = try await write(caller) { transaction in
            try recordImage(request, plan: plan, caller: caller, in: transaction)
        }
        try await context.snapshots.recordLatest(plan.snapshotIDs)
        return imageID
    }

    /// The ids and inherited blocks CreateImage draws and reads before its transaction.
    private struct ImagePlan: Sendable {
        var imageID: String
        /// The snapshot id of each of the instance's volumes, by volume id.
        var snapshotIDs: [String: String]
        /// Each volume's blocks from its source, in its own domain.
        var inherited: [String: [BlockEntry]]
        var now: Date
    }

    /// Records the image, a snapshot of each volume, the tags, and the reboot CreateImage does
    /// without NoReboot.
    private func recordImage(_ request: ImageCreation, plan: ImagePlan, caller: Caller, in transaction: any MetadataTransaction) throws -> String {
        var instance = try context.instances.ownedInstance(request.instanceID, caller: caller, in: transaction)
        guard instance.state == .running || instance.state == .stopped else {
            throw CloudError.instanceCannotBeImaged(instance.id, instance.state.rawValue)
        }
        if let existing = try transaction.imageNamed(request.name, owner: caller.account, region: caller.region) {
            throw CloudError.duplicateImageName(request.name, existing.id)
        }
        var mappings = try snapshotMappings(of: instance, request: request, plan: plan, caller: caller, in: transaction)
        try applyOverrides(request.mappings, to: &mappings, rootDeviceName: instance.rootDeviceName, caller: caller, in: transaction)
        var image = Image(id: plan.imageID, owner: caller.account, region: caller.region, name: request.name, creationDate: plan.now)
        image.takeAttributes(of: instance, source: try transaction.image(instance.imageID, in: instance.region))
        image.description = request.description
        image.blockDeviceMappings = mappings
        image.imageLocation = "\(caller.account)/\(request.name)"
        try transaction.saveImage(image)
        for tag in request.imageTags {
            try transaction.putTag(tag, on: plan.imageID, resourceType: "image", by: caller.account, region: caller.region)
        }
        // A runtime with machines counts the boot itself when the machine comes back.
        if !request.noReboot, instance.state == .running, !context.runtime.drivesStates {
            instance.bootCount += 1
            try transaction.save(instance)
        }
        try Self.completePendingImages(using: nil, in: transaction, candidates: [image])
        return plan.imageID
    }

    /// A snapshot of each of the instance's volumes, as the image's mappings.
    private func snapshotMappings(
        of instance: Instance,
        request: ImageCreation,
        plan: ImagePlan,
        caller: Caller,
        in transaction: any MetadataTransaction
    ) throws -> [Image.DeviceMapping] {
        var mappings: [Image.DeviceMapping] = []
        for device in instance.devices {
            guard let volume = try transaction.fetch(Volume.self, id: device.volumeID), let snapshotID = plan.snapshotIDs[device.volumeID] else {
                continue
            }
            let snapshot = try context.snapshots.recordSnapshot(
                of: volume.id,
                id: snapshotID,
                caller: caller,
                description: "Created by CreateImage(\(instance.id)) for \(plan.imageID)",
                inherited: plan.inherited[volume.id] ?? [],
                now: plan.now,
                in: transaction
            )
            for tag in request.snapshotTags {
                try transaction.putTag(tag, on: snapshotID, resourceType: "snapshot", by: caller.account, region: caller.region)
            }
            let ebs = Image.EBSDevice(
                snapshotID: snapshot.id,
                volumeSize: volume.size,
                volumeType: volume.type,
                deleteOnTermination: device.deleteOnTermination,
                encrypted: volume.encrypted,
                kmsKeyID: volume.kmsKeyID,
                iops: volume.type.provisionedIOPS == nil ? nil : volume.iops,
                throughput: volume.throughput
            )
            mappings.append(Image.DeviceMapping(deviceName: device.deviceName, ebs: ebs))
        }
        return mappings
    }

    /// CreateImage's BlockDeviceMappings: suppress a device, grow or retype one the instance has,
    /// or add one.
    private func applyOverrides(
        _ requested: [ImageRegistration.Mapping],
        to mappings: inout [Image.DeviceMapping],
        rootDeviceName: String,
        caller: Caller,
        in transaction: any MetadataTransaction
    ) throws {
        for (position, requested) in requested.enumerated() {
            guard let device = requested.deviceName, !device.isEmpty else {
                throw CloudError.missingParameter("BlockDeviceMapping.\(position + 1).DeviceName")
            }
            if requested.noDevice {
                guard device != rootDeviceName else { throw CloudError.rootDeviceSuppressed(device) }
                mappings.removeAll { $0.deviceName == device }
                continue
            }
            guard let index = mappings.firstIndex(where: { $0.deviceName == device }), var ebs = mappings[index].ebs else {
                mappings.append(try resolveMapping(requested, position: position, caller: caller, in: transaction))
                continue
            }
            if let size = requested.volumeSize {
                guard size >= ebs.volumeSize else { throw CloudError.mappingSmallerThanVolume(size, device, ebs.volumeSize) }
                ebs.volumeSize = size
            }
            if let type = requested.volumeType {
                guard let volumeType = VolumeType(rawValue: type) else {
                    throw CloudError.invalidParameterValue("Value (\(type)) for parameter volumeType is invalid.")
                }
                ebs.volumeType = volumeType
            }
            ebs.deleteOnTermination = requested.deleteOnTermination ?? ebs.deleteOnTermination
            mappings[index].ebs = ebs
        }
    }

    /// Makes pending images `available` once every snapshot they use is completed: those using
    /// `snapshotID`, or the `candidates` given.
    static func completePendingImages(using snapshotID: String?, in transaction: any MetadataTransaction, candidates: [Image] = []) throws {
        var images = candidates
        if let snapshotID {
            images += try transaction.imagesUsing(snapshotID: snapshotID).compactMap { try transaction.image($0) }
        }
        for var image in images where image.state == .pending {
            let snapshots = try image.snapshotIDs.map { try transaction.fetch(Snapshot.self, id: $0) }
            if snapshots.allSatisfy({ $0?.state == .completed }) {
                image.state = .available
                try transaction.saveImage(image)
            } else if snapshots.contains(where: { $0 == nil || $0?.state == .error }) {
                let failed = snapshots.first { $0?.state == .error } ?? nil
                image.state = .failed
                image.stateReason = Image.StateReason(
                    code: "Client.InternalError",
                    message: "Client.InternalError: \(failed?.stateMessage ?? "a snapshot of the image failed")"
                )
                try transaction.saveImage(image)
            }
        }
    }
}
