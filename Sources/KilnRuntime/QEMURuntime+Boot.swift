import Foundation
import KilnCore
import KilnIMDS
import KilnNBD
import Logging

/// Booting machines and changing their disks.
extension QEMURuntime {
    /// Boots the machine of an instance: NBD servers for its volumes, then QEMU. The
    /// instance is `running` once QEMU's control socket answers.
    func boot(_ order: MachineOrder, context: CloudContext) async {
        let instance = order.instance
        let directory = runDirectory.appendingPathComponent(instance.id, isDirectory: true)
        var servers: [String: NBDServer] = [:]
        var exports: [String: VolumeExport] = [:]
        var metadataServer: MetadataHTTPServer?
        do {
            guard let emulator = ExecutableLookup.find(settings.x86Emulator), instance.architecture != "arm64" else {
                throw QEMURuntimeError("No emulator for \(instance.architecture) is installed on this Kiln host.")
            }
            try? FileManager.default.removeItem(at: directory)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            var disks: [MachineSpec.Disk] = []
            for (position, disk) in order.disks.enumerated() {
                let (server, export) = try await serve(disk.volumeID, in: directory, context: context)
                servers[disk.volumeID] = server
                exports[disk.volumeID] = export
                disks.append(MachineSpec.Disk(volumeID: disk.volumeID, socketPath: server.path, boots: position == 0))
            }
            let metadataSocket = directory.appendingPathComponent(MetadataEndpoint.socketName).path
            metadataServer = try settings.metadataRelay.map { _ in try MetadataEndpoint.serve(instance.id, at: metadataSocket, context: context) }
            let spec = try machineSpec(order, directory: directory, disks: disks, metadataSocket: metadataSocket)
            let consoleSizeAtBoot = consoleSize(instance.id)
            let log = consoleDirectory.appendingPathComponent("\(instance.id).qemu.log")
            let process = try children.start(emulator, spec.arguments, log: log) { [weak self] status, bySignal in
                Task { await self?.machineExited(instance.id, status: status, bySignal: bySignal) }
            }
            let machine = Machine(
                instanceID: instance.id,
                process: process,
                directory: directory,
                qmpPath: spec.qmpPath,
                servers: servers,
                exports: exports
            )
            machine.metadataServer = metadataServer
            machine.consoleSizeAtBoot = consoleSizeAtBoot
            machine.rebootsSeen = instance.rebootRequests ?? 0
            machines[instance.id] = machine
            logger.info("machine started", metadata: ["instance": .string(instance.id), "pid": .stringConvertible(process.processIdentifier)])
            let qmp = spec.qmpPath
            let answered = try await Blocking.offPool { () -> Bool in
                for _ in 0..<100 {
                    if !process.isRunning { return false }
                    if QMPClient.answers(at: qmp) { return true }
                    usleep(100_000)
                }
                return false
            }
            if answered, !machine.exited { try await context.instances.machineBooted(instance.id) }
        } catch {
            for server in servers.values { server.close() }
            metadataServer?.close()
            try? FileManager.default.removeItem(at: directory)
            logger.error("machine did not start", metadata: ["instance": .string(instance.id), "error": .string("\(error)")])
            await record(instance.id, .failed("The instance's machine could not start: \(error)"), context: context)
        }
    }

    /// The QEMU command line of an instance's machine.
    func machineSpec(_ order: MachineOrder, directory: URL, disks: [MachineSpec.Disk], metadataSocket: String) throws -> MachineSpec {
        let instance = order.instance
        var spec = MachineSpec(
            instanceID: instance.id,
            acceleration: acceleration,
            memoryMiB: memory(of: instance.instanceType),
            vCPUs: min(InstanceTypeCatalog.info(instance.instanceType)?.vCPUs ?? 1, settings.maxVCPUs),
            uefiFirmware: try firmware(for: instance.bootMode),
            qmpPath: directory.appendingPathComponent("qmp").path,
            consolePath: consolePath(instance.id),
            disks: disks
        )
        spec.network = order.network
        spec.instanceType = instance.instanceType
        spec.metadataCommand = settings.metadataRelay.map { ($0 + [metadataSocket]).joined(separator: " ") }
        return spec
    }

    /// An NBD server for a volume on a socket in `directory`.
    func serve(_ volumeID: String, in directory: URL, context: CloudContext) async throws -> (NBDServer, VolumeExport) {
        let journal =
            settings.journalsSmallWrites
            ? try await VolumeExport.openJournal(in: settings.journalDirectory, volumeID: volumeID, volumes: context.volumes) : nil
        let volume = try await context.volumes.deviceVolume(volumeID)
        let export = VolumeExport(volume: volume, volumes: context.volumes, journal: journal)
        let reported = ReportingExport(export, volumeID: volumeID, logger: logger)
        let server = try NBDServer(path: directory.appendingPathComponent("\(volumeID).nbd").path, name: volumeID, export: reported)
        return (server, export)
    }

    /// The UEFI firmware a boot mode needs, or nil for the BIOS.
    func firmware(for bootMode: String?) throws -> String? {
        let installed = settings.uefiFirmware.first { FileManager.default.fileExists(atPath: $0) }
        switch bootMode {
        case "uefi":
            guard let installed else {
                throw QEMURuntimeError("The image boots with UEFI, and no OVMF firmware is installed (Debian: apt-get install ovmf).")
            }
            return installed
        case "uefi-preferred": return installed
        default: return nil
        }
    }

    /// Hot-plugs volumes attached to a running machine and unplugs those detached.
    func syncDisks(_ machine: Machine, order: MachineOrder, context: CloudContext) async {
        let wanted = Set(order.disks.map(\.volumeID))
        let path = machine.qmpPath
        for volumeID in wanted.subtracting(machine.servers.keys) {
            do {
                let (server, export) = try await serve(volumeID, in: machine.directory, context: context)
                machine.servers[volumeID] = server
                machine.exports[volumeID] = export
                let disk = MachineSpec.Disk(volumeID: volumeID, socketPath: server.path, boots: false)
                try await Blocking.offPool {
                    try QMPClient.execute("blockdev-add", arguments: Self.blockdevArguments(disk), at: path)
                    try QMPClient.execute(
                        "device_add",
                        arguments: [
                            "driver": "nvme", "id": MachineSpec.deviceID(volumeID), "drive": MachineSpec.nodeName(volumeID),
                            "serial": MachineSpec.serial(volumeID), "mdts": MachineSpec.transferExponent,
                        ],
                        at: path
                    )
                }
                logger.info("volume hot-plugged", metadata: ["instance": .string(machine.instanceID), "volume": .string(volumeID)])
            } catch {
                logger.error(
                    "hot-plug failed",
                    metadata: ["instance": .string(machine.instanceID), "volume": .string(volumeID), "error": .string("\(error)")]
                )
            }
        }
        for volumeID in Set(machine.servers.keys).subtracting(wanted) {
            let server = machine.servers.removeValue(forKey: volumeID)
            let export = machine.exports.removeValue(forKey: volumeID)
            _ = try? await Blocking.offPool {
                _ = try? QMPClient.execute("device_del", arguments: ["id": MachineSpec.deviceID(volumeID)], at: path)
                for _ in 0..<50 {
                    if (try? QMPClient.execute("blockdev-del", arguments: ["node-name": MachineSpec.nodeName(volumeID)], at: path)) != nil { break }
                    usleep(100_000)
                }
                server?.close()
                try? export?.close()
            }
            logger.info("volume unplugged", metadata: ["instance": .string(machine.instanceID), "volume": .string(volumeID)])
        }
    }

    /// QMP `blockdev-add` arguments for a disk's NBD node.
    static func blockdevArguments(_ disk: MachineSpec.Disk) -> [String: any Sendable] {
        [
            "driver": "nbd", "node-name": MachineSpec.nodeName(disk.volumeID), "export": disk.volumeID,
            "server": ["type": "unix", "path": disk.socketPath] as [String: String],
        ]
    }
}
