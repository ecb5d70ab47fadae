import Foundation

/// One change ModifyInstanceAttribute makes.
package enum InstanceAttributeChange: Sendable {
    case instanceType(String)
    /// Base64 text.
    case userData(String)
    case disableApiTermination(Bool)
    case disableApiStop(Bool)
    case shutdownBehavior(String)
    case ebsOptimized(Bool)
    /// DeleteOnTermination of attached devices, by device name.
    case deleteOnTermination([String: Bool])
}

/// DescribeInstanceAttribute, ModifyInstanceAttribute, DescribeInstanceStatus and GetConsoleOutput.
extension InstanceService {
    /// The attributes DescribeInstanceAttribute answers.
    package static let instanceAttributeNames: Set<String> = [
        "instanceType", "kernel", "ramdisk", "userData", "disableApiTermination", "disableApiStop", "instanceInitiatedShutdownBehavior",
        "rootDeviceName", "blockDeviceMapping", "productCodes", "sourceDestCheck", "groupSet", "ebsOptimized", "sriovNetSupport", "enaSupport",
    ]

    /// An instance the caller owns, for DescribeInstanceAttribute.
    package func instance(_ caller: Caller, id: String) async throws -> Instance {
        try await read(caller) { try self.ownedInstance(id, caller: caller, in: $0) }
    }

    /// ModifyInstanceAttribute: instance type and user data only while stopped, as on AWS.
    package func modifyInstanceAttribute(_ caller: Caller, id: String, change: InstanceAttributeChange) async throws {
        try await write(caller) { transaction in
            var instance = try ownedInstance(id, caller: caller, in: transaction)
            func requireStopped(_ attribute: String) throws {
                guard instance.state == .stopped else {
                    throw CloudError.instanceNotStoppedForAttribute(id, attribute)
                }
            }
            switch change {
            case .instanceType(let name):
                try requireStopped("instanceType")
                guard let type = InstanceTypeCatalog.info(name) else {
                    throw CloudError.invalidParameterValue("Invalid value '\(name)' for InstanceType.")
                }
                guard type.runs(architecture: instance.architecture) else {
                    throw CloudError.invalidParameterValue(
                        "The architecture '\(type.architectures.last ?? "")' of the specified instance type does not match the architecture '\(instance.architecture)' of the instance's AMI."
                    )
                }
                instance.instanceType = name
            case .userData(let data):
                try requireStopped("userData")
                instance.userData = data
            case .disableApiTermination(let value): instance.disableApiTermination = value
            case .disableApiStop(let value): instance.disableApiStop = value
            case .shutdownBehavior(let value):
                guard let behavior = ShutdownBehavior(rawValue: value) else {
                    throw CloudError.invalidParameterValue("Value (\(value)) for parameter instanceInitiatedShutdownBehavior is invalid.")
                }
                instance.shutdownBehavior = behavior
            case .ebsOptimized(let value): instance.ebsOptimized = value
            case .deleteOnTermination(let byDevice):
                for (device, value) in byDevice {
                    guard let index = instance.devices.firstIndex(where: { $0.deviceName == device }) else {
                        throw CloudError.noDeviceMapped(device)
                    }
                    instance.devices[index].deleteOnTermination = value
                    if var volume = try transaction.fetch(Volume.self, id: instance.devices[index].volumeID) {
                        volume.attachment?.deleteOnTermination = value
                        try transaction.save(volume)
                    }
                }
            }
            try transaction.save(instance)
        }
    }

    /// DescribeInstanceStatus: each instance with its status checks, running ones only unless
    /// `includeAll`. With machines, the checks come from the machine and its guest.
    package func describeInstanceStatus(_ caller: Caller, ids requested: [String]?, includeAll: Bool, filters: [Filter]) async throws
        -> [(instance: Instance, health: InstanceHealth)]
    {
        let filterSet = try FilterSet(
            filters,
            supported: ["availability-zone", "instance-state-code", "instance-state-name", "instance-status.status", "system-status.status"]
        )
        let requested = (requested?.isEmpty ?? true) ? nil : requested
        let candidates = try await read(caller) { transaction in
            let all = try transaction.fetchAll(Instance.self, region: caller.region, owner: caller.account).filter { self.isVisible($0) }
            for id in requested ?? [] where !all.contains(where: { $0.id == id }) { throw CloudError.instanceNotFound([id]) }
            return all.filter { (requested?.contains($0.id) ?? true) && (includeAll || $0.state == .running) }
        }
        var statuses: [(instance: Instance, health: InstanceHealth)] = []
        for instance in candidates {
            let health = await health(of: instance)
            let admitted = filterSet.admits { name in
                switch name {
                case "availability-zone": return [instance.availabilityZone]
                case "instance-state-code": return [String(instance.state.code)]
                case "instance-state-name": return [instance.state.rawValue]
                case "instance-status.status": return [health.instance.rawValue]
                case "system-status.status": return [health.system.rawValue]
                default: return []
                }
            }
            if admitted { statuses.append((instance, health)) }
        }
        return statuses
    }

    /// An instance's status checks: its machine's, while it runs on a runtime with machines,
    /// else what the records say. In a cluster, a machine another node runs is checked there,
    /// and that node records the verdicts.
    package func health(of instance: Instance) async -> InstanceHealth {
        guard instance.state == .running else { return InstanceHealth.recorded(instance) }
        if context.runtime.drivesStates, let node = instance.node, node != context.nodeID {
            return instance.machineHealth ?? InstanceHealth(.initializing)
        }
        return await context.runtime.health(instanceID: instance.id) ?? InstanceHealth.recorded(instance)
    }

    /// GetConsoleScreenshot: a PNG of the display of a running instance's machine.
    package func consoleScreenshot(_ caller: Caller, id: String) async throws -> [UInt8] {
        let instance = try await read(caller) { try self.ownedInstance(id, caller: caller, in: $0) }
        guard instance.state == .running else { throw CloudError.instanceNotRunningForScreenshot(id) }
        if context.runtime.drivesStates, let node = instance.node, node != context.nodeID {
            return try await screenshotFromOtherNode(instance)
        }
        guard let image = await context.runtime.screenshot(instanceID: id) else { throw CloudError.instanceHasNoDisplay(id) }
        return image
    }

    /// A screenshot of a machine that another node of the cluster runs: the request goes in
    /// the instance's record, that node writes the PNG to the shared object store, and this
    /// node waits up to ten seconds for it.
    private func screenshotFromOtherNode(_ instance: Instance) async throws -> [UInt8] {
        let request = UUID().uuidString.lowercased()
        try await store.write { transaction in
            guard var current = try transaction.fetch(Instance.self, id: instance.id), current.state == .running else { return }
            current.screenshotRequest = request
            try transaction.save(current)
        }
        let object = instance.screenshotObject(request: request)
        for _ in 0..<50 {
            if let size = try await context.objects.size(object) {
                let image = try await context.objects.read(object, offset: 0, length: size)
                try? await context.objects.delete(object)
                return image
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw CloudError.instanceHasNoDisplay(instance.id)
    }

    /// GetConsoleOutput: what the instance's machine printed on its serial console, or, with
    /// a runtime that keeps none, a boot log per launch, start and reboot.
    package func consoleOutput(_ caller: Caller, id: String) async throws -> (text: String, at: Date) {
        let (instance, image) = try await read(caller) { transaction -> (Instance, Image?) in
            let instance = try self.ownedInstance(id, caller: caller, in: transaction)
            return (instance, try transaction.image(instance.imageID, in: instance.region))
        }
        if let printed = await context.runtime.consoleOutput(instanceID: instance.id) {
            return (String(decoding: printed, as: UTF8.self), clock.now)
        }
        var lines: [String] = []
        for boot in 0..<instance.bootCount {
            if boot > 0 { lines += ["[  OK  ] Reached target Reboot.", "reboot: Restarting system"] }
            lines += [
                "[    0.000000] Linux version 6.1.0-kiln (\(image?.platformDetails ?? "Linux/UNIX")) booting on \(instance.instanceType) (\(instance.architecture))",
                "[    0.000000] Command line: root=\(instance.rootDeviceName) console=ttyS0",
                "[    0.412000] Kiln: booting image \(instance.imageID) (\(image?.name ?? "unknown image")) as \(instance.id) in \(instance.availabilityZone)",
                "[    1.020000] EXT4-fs (\(instance.rootDeviceName.split(separator: "/").last ?? "xvda")): mounted filesystem with ordered data mode",
                "cloud-init[512]: Cloud-init v. 23.4 running 'init' at boot \(boot + 1). Up 2.00 seconds.",
                "cloud-init[512]: ci-info: user-data: \(instance.userData == nil ? "none" : "present")",
                "\(instance.privateDNSName) login:",
            ]
        }
        return (lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n"), clock.now)
    }
}
