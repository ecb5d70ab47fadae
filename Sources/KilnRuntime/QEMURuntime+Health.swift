import Foundation
import KilnCore

/// DescribeInstanceStatus's checks, from the machine and its guest.
extension QEMURuntime {
    /// The system check passes while QEMU runs and its vCPUs run (QMP's `query-status`); the
    /// instance check passes once the guest has printed on its serial console since it booted.
    /// Both are `initializing` while the machine boots, and `impaired` once it has died.
    package func health(instanceID: String) async -> InstanceHealth? {
        guard let machine = machines[instanceID] else { return InstanceHealth(.initializing) }
        guard !machine.exited, machine.process.isRunning else { return InstanceHealth(.impaired) }
        let path = machine.qmpPath
        let running =
            (try? await Blocking.offPool { () -> Bool in
                let reply = try QMPClient.execute("query-status", at: path, timeout: 2) as? [String: Any]
                return reply?["running"] as? Bool ?? false
            }) ?? false
        guard running else { return InstanceHealth(system: .impaired, instance: .impaired) }
        let printed = consoleSize(instanceID) > machine.consoleSizeAtBoot
        return InstanceHealth(system: .ok, instance: printed ? .ok : .initializing)
    }

    /// The size of an instance's console file, in bytes.
    func consoleSize(_ instanceID: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: consolePath(instanceID)))?[.size] as? Int) ?? 0
    }
}

/// GetConsoleScreenshot, from the machine's display.
extension QEMURuntime {
    /// A PNG of the machine's VGA display, as QMP's `screendump` writes it.
    package func screenshot(instanceID: String) async -> [UInt8]? {
        guard let machine = machines[instanceID], !machine.exited else { return nil }
        let path = machine.qmpPath
        let file = machine.directory.appendingPathComponent("screen-\(UUID().uuidString.prefix(8)).png")
        return try? await Blocking.offPool { () -> [UInt8] in
            defer { try? FileManager.default.removeItem(at: file) }
            _ = try QMPClient.execute("screendump", arguments: ["filename": file.path, "format": "png"], at: path)
            return Array(try Data(contentsOf: file))
        }
    }
}
