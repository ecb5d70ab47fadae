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

    /// How long a machine stays off for another node's CreateImage that never clears its
    /// request (that node died): then it boots again.
    static let otherNodeHoldLimit: Duration = .seconds(600)

    /// Follows another node's CreateImage of an instance whose machine this node runs (see
    /// ``Instance/imageHoldRequest``): a new request shuts the machine down and then records it
    /// ready; a cleared one lets the machine boot again. True while the machine is held.
    func holdForOtherNode(_ order: MachineOrder, context: CloudContext) -> Bool {
        let id = order.instance.id
        let request = order.instance.imageHoldRequest
        if let held = heldForOtherNode[id] {
            if request == held.request, ContinuousClock.now - held.since < Self.otherNodeHoldLimit { return true }
            heldForOtherNode[id] = nil
            heldForImage.remove(id)
            return false
        }
        guard let request, order.instance.state == .running, request != order.instance.imageHoldReady else { return false }
        heldForOtherNode[id] = (request, ContinuousClock.now)
        logger.info("shutting a machine down for another node's CreateImage", metadata: ["instance": .string(id)])
        Task {
            await quiesceForImage(instanceID: id)
            do {
                try await context.instances.recordImageHoldReady(id, request: request)
            } catch {
                logger.warning("recording a machine off for CreateImage failed", metadata: ["instance": .string(id), "error": .string("\(error)")])
            }
        }
        return true
    }
}
