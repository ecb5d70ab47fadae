import Foundation
import KilnCore
import KilnNBD
import Logging

/// Making the machines match the records.
extension QEMURuntime {
    /// One pass: each instance that is not terminated gets what its state asks for, and a
    /// machine whose instance is gone is ended.
    func reconcile() async {
        guard let context, !closing else { return }
        let orders: [MachineOrder]
        do {
            orders = try await context.instances.machineOrders()
        } catch {
            logger.error("reading instances failed", metadata: ["error": .string("\(error)")])
            return
        }
        var live = Set<String>()
        // In a cluster, each node runs the machines of the instances it launched.
        for order in orders where order.instance.node == nil || order.instance.node == context.nodeID {
            live.insert(order.instance.id)
            let machine = machines[order.instance.id]
            if machine?.exited == true || heldForImage.contains(order.instance.id) { continue }
            switch order.instance.state {
            case .pending where !order.awaitingAdmission && machine == nil,
                .running where machine == nil:
                await boot(order, context: context)
            case .running:
                if let machine {
                    await syncDisks(machine, order: order, context: context)
                    await syncForwards(machine, network: order.network)
                }
            case .stopping:
                if let machine { stop(machine) } else { await record(order.instance.id, .requested, context: context) }
            case .shuttingDown:
                if let machine { machine.kill() } else { await record(order.instance.id, .requested, context: context) }
            case .stopped:
                machine?.kill()
            default:
                break
            }
        }
        for (id, machine) in machines where !live.contains(id) && !machine.exited { machine.kill() }
    }

    /// Presses the power button of a stopping machine, and switches it off when forced or
    /// when the guest has not powered off in time.
    func stop(_ machine: Machine) {
        let id = machine.instanceID
        if forcedStops.contains(id) {
            forcedStops.remove(id)
            machine.kill()
            return
        }
        if let pressed = machine.powerButtonPressed {
            if Date().timeIntervalSince(pressed) > Double(settings.stopTimeout.components.seconds) {
                logger.notice("guest ignored the power button; switching it off", metadata: ["instance": .string(id)])
                machine.kill()
            }
            return
        }
        machine.powerButtonPressed = Date()
        machine.endRequested = true
        let path = machine.qmpPath
        Task.detached { [logger] in
            do {
                try await Blocking.offPool { _ = try QMPClient.execute("system_powerdown", at: path) }
            } catch {
                logger.warning("power button failed", metadata: ["instance": .string(id), "error": .string("\(error)")])
            }
        }
    }

    /// Reports a machine's end to the instance service.
    func record(_ instanceID: String, _ cause: MachineEnd, context: CloudContext) async {
        do {
            try await context.instances.machineEnded(instanceID, cause: cause)
        } catch {
            logger.error("recording a machine's end failed", metadata: ["instance": .string(instanceID), "error": .string("\(error)")])
        }
    }

    /// Hears that a machine's process ended: closes its disks (writing back what their
    /// caches hold), then records why it ended.
    func machineExited(_ instanceID: String, status: Int32, bySignal: Bool) async {
        guard let machine = machines[instanceID], !closing else { return }
        machine.exited = true
        let (servers, exports) = machine.releaseResources()
        for server in servers { server.close() }
        _ = try? await Blocking.offPool { for export in exports { try? export.close() } }
        try? FileManager.default.removeItem(at: machine.directory)
        if heldForImage.contains(instanceID) {
            // Off for CreateImage: the instance stays running in the records, and boots again after.
            machines[instanceID] = nil
            logger.info("machine off for CreateImage", metadata: ["instance": .string(instanceID)])
            return
        }
        let cause: MachineEnd
        if machine.endRequested {
            cause = .requested
        } else if !bySignal, status == 0 {
            cause = .guestShutdown
        } else {
            cause = .failed(
                bySignal ? "The instance's machine was killed by signal \(status)." : "The instance's machine exited with status \(status)."
            )
        }
        logger.info("machine ended", metadata: ["instance": .string(instanceID), "cause": .string("\(cause)")])
        if let context { await record(instanceID, cause, context: context) }
        forcedStops.remove(instanceID)
        machines[instanceID] = nil
        wakeUp()
    }
}
