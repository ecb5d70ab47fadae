import Foundation

/// AttachVolume and DetachVolume.
extension VolumeService {
    /// AttachVolume: an `available` volume becomes a device of an instance in its zone.
    package func attachVolume(_ caller: Caller, volumeID: String, instanceID: String, device: String) async throws -> Volume {
        guard ResourcePrefix.volume.matches(volumeID) else { throw CloudError.malformedVolumeID(volumeID) }
        let now = clock.now
        if !caller.dryRun { try await context.runtime.checkDeviceChange(instanceID: instanceID, volumeID: volumeID, attaching: true) }
        let attached = try await write(caller) { transaction in
            var volume = try transaction.liveVolume(volumeID, caller: caller)
            var instance = try context.instances.ownedInstance(instanceID, caller: caller, in: transaction)
            guard volume.state == .available, volume.ephemeralOf == nil else {
                throw CloudError.volumeAlreadyAttached(volumeID)
            }
            guard instance.state == .running || instance.state == .stopped else {
                throw CloudError.instanceCannotAttach(instanceID)
            }
            guard volume.availabilityZone == instance.availabilityZone else {
                throw CloudError.volumeZoneMismatch(volumeID, instanceID)
            }
            guard !instance.devices.contains(where: { $0.deviceName == device }), device != instance.rootDeviceName || instance.devices.isEmpty else {
                throw CloudError.deviceInUse(device)
            }
            volume.state = .inUse
            volume.attachment = Volume.Attachment(instanceID: instanceID, device: device, attachTime: now, deleteOnTermination: false)
            instance.devices.append(Instance.Device(deviceName: device, volumeID: volumeID, deleteOnTermination: false, attachTime: now))
            try transaction.save(volume)
            try transaction.save(instance)
            return volume
        }
        await context.runtime.instancesChanged(RuntimeChange(.devices(volumeID: volumeID), instanceIDs: [instanceID]))
        return attached
    }

    /// DetachVolume: the volume becomes `available` again. A running instance's root volume
    /// cannot be detached; stop the instance first.
    package func detachVolume(_ caller: Caller, volumeID: String, instanceID: String?) async throws -> Volume {
        guard ResourcePrefix.volume.matches(volumeID) else { throw CloudError.malformedVolumeID(volumeID) }
        if !caller.dryRun, let instanceID {
            try await context.runtime.checkDeviceChange(instanceID: instanceID, volumeID: volumeID, attaching: false)
        }
        let detached = try await write(caller) { transaction in
            var volume = try transaction.liveVolume(volumeID, caller: caller)
            guard let attachment = volume.attachment, volume.ephemeralOf == nil else {
                throw CloudError.volumeInState(volumeID, volume.state.rawValue)
            }
            if let instanceID, instanceID != attachment.instanceID {
                throw CloudError.volumeNotAttached(volumeID, instanceID)
            }
            guard var instance = try transaction.fetch(Instance.self, id: attachment.instanceID) else {
                throw CloudError.instanceNotFound([attachment.instanceID])
            }
            if attachment.device == instance.rootDeviceName, instance.state != .stopped {
                throw CloudError.rootVolumeCannotDetach(volumeID, instance.id)
            }
            instance.devices.removeAll { $0.volumeID == volumeID }
            volume.attachment = nil
            volume.state = .available
            try transaction.save(instance)
            try transaction.save(volume)
            return (volume, instance.id)
        }
        await context.runtime.instancesChanged(RuntimeChange(.devices(volumeID: volumeID), instanceIDs: [detached.1]))
        return detached.0
    }

    /// The volume a Kiln data request names: a volume id, or an instance id for its root device
    /// (the only way to reach an instance-store root).
    func dataVolume(_ id: String, caller: Caller, in transaction: any MetadataTransaction) throws -> Volume {
        if ResourcePrefix.instance.matches(id) {
            let instance = try context.instances.ownedInstance(id, caller: caller, in: transaction)
            guard
                let volumeID = instance.ephemeralRootVolumeID ?? instance.devices.first(where: { $0.deviceName == instance.rootDeviceName })?.volumeID
            else {
                throw CloudError.instanceWithoutRoot(id, instance.state.rawValue)
            }
            return try transaction.liveVolume(volumeID, caller: caller)
        }
        return try transaction.liveVolume(id, caller: caller)
    }
}
