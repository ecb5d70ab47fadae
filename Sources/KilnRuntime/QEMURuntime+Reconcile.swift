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
            if machine?.exited == true || holdForOtherNode(order, context: context) { continue }
            if heldForImage.contains(order.instance.id) { continue }
            switch order.instance.state {
            case .pending where !order.awaitingAdmission && machine == nil,
                .running where machine == nil:
                await boot(order, context: context)
            case .running:
                if let machine {
                    await resetIfAsked(machine, order: order)
                    await publishHealth(machine, order: order, context: context)
                    await answerScreenshot(machine, order: order, context: context)
                    await syncDisks(machine, order: order, context: context)
                    await syncForwards(machine, network: order.network)
                }
            case .stopping:
                if let machine {
                    if order.instance.stopForced == true { forcedStops.insert(machine.instanceID) }
                    stop(machine)
                } else {
                    await record(order.instance.id, .requested, context: context)
                }
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

    /// Presses the reset button of a machine whose instance has had a reboot request since the
    /// machine last looked: RebootInstances may have reached any node of a cluster.
    func resetIfAsked(_ machine: Machine, order: MachineOrder) async {
        let requested = order.instance.rebootRequests ?? 0
        guard requested > machine.rebootsSeen else { return }
        machine.rebootsSeen = requested
        await reset(machine.instanceID)
    }

    /// In a cluster, records the machine's status checks when they changed, for the other
    /// nodes to answer with.
    func publishHealth(_ machine: Machine, order: MachineOrder, context: CloudContext) async {
        guard context.nodeID != nil, !machine.exited, let health = await health(instanceID: machine.instanceID),
            health != order.instance.machineHealth
        else { return }
        do {
            try await context.instances.recordMachineHealth(machine.instanceID, health)
        } catch {
            logger.warning("recording a machine's checks failed", metadata: ["instance": .string(machine.instanceID), "error": .string("\(error)")])
        }
    }

    /// Writes the screenshot another node asked for to the shared object store.
    func answerScreenshot(_ machine: Machine, order: MachineOrder, context: CloudContext) async {
        guard let request = order.instance.screenshotRequest, request != machine.screenshotAnswered else { return }
        machine.screenshotAnswered = request
        guard let image = await screenshot(instanceID: machine.instanceID) else { return }
        do {
            try await context.objects.write(order.instance.screenshotObject(request: request), image)
        } catch {
            logger.warning("writing a screenshot failed", metadata: ["instance": .string(machine.instanceID), "error": .string("\(error)")])
        }
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
