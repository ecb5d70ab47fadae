import Foundation
import KilnCore
import Logging

/// The reboot CreateImage does without NoReboot: the guest is shut down cleanly, its disks
/// are written back, the snapshots are taken, and the machine boots again.
extension QEMURuntime {
    package func quiesceForImage(instanceID: String) async {
        guard let machine = machines[instanceID], !machine.exited else { return }
        heldForImage.insert(instanceID)
        let path = machine.qmpPath
        do {
            try await Blocking.offPool { _ = try QMPClient.execute("system_powerdown", at: path) }
        } catch {
            logger.warning("power button failed before CreateImage", metadata: ["instance": .string(instanceID), "error": .string("\(error)")])
        }
        let deadline = ContinuousClock.now + settings.stopTimeout
        while machines[instanceID] === machine, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(200))
        }
        if machines[instanceID] === machine {
            logger.notice("guest ignored the power button before CreateImage; switching it off", metadata: ["instance": .string(instanceID)])
            machine.kill()
            while machines[instanceID] === machine { try? await Task.sleep(for: .milliseconds(100)) }
        }
    }

    package func resumeAfterImage(instanceID: String) async {
        heldForImage.remove(instanceID)
        wakeUp()
    }
}
