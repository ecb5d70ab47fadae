import Foundation
import KilnCore
import Logging

/// Host ports forwarded to running machines, as their security groups say.
extension QEMURuntime {
    /// Makes the ports forwarded to a running machine match what its instance's security
    /// groups open to the host now: a rule authorized opens its ports within a pass, a rule
    /// revoked closes them. Ports are forwarded from the instance's public address only.
    func syncForwards(_ machine: Machine, network: MachineNetwork?) async {
        let wanted = network?.publicAddress.map { (address: $0, ports: Set(network?.openPorts ?? [])) }
        let current = machine.forwards
        guard wanted?.address != current?.address || wanted?.ports != current?.ports else { return }
        var commands: [String] = []
        if let current {
            let kept = current.address == wanted?.address ? wanted?.ports ?? [] : []
            for port in current.ports.subtracting(kept).sorted() {
                commands.append(MachineSpec.forwardCommand(adding: false, address: current.address, port: port))
            }
        }
        if let wanted {
            let present = current?.address == wanted.address ? current?.ports ?? [] : []
            for port in wanted.ports.subtracting(present).sorted() {
                commands.append(MachineSpec.forwardCommand(adding: true, address: wanted.address, port: port))
            }
        }
        machine.forwards = wanted
        let path = machine.qmpPath
        let planned = commands
        let failures =
            (try? await Blocking.offPool { () -> [String] in
                planned.compactMap { command in
                    let reply = try? QMPClient.execute("human-monitor-command", arguments: ["command-line": command], at: path)
                    let text = (reply as? String) ?? "no reply"
                    return text.isEmpty ? nil : "\(command): \(text.trimmingCharacters(in: .whitespacesAndNewlines))"
                }
            }) ?? commands
        for failure in failures {
            logger.warning("port forwarding failed", metadata: ["instance": .string(machine.instanceID), "detail": .string(failure)])
        }
        if !commands.isEmpty {
            logger.info(
                "ports forwarded",
                metadata: ["instance": .string(machine.instanceID), "ports": .string(wanted.map { "\($0.address) \($0.ports.sorted())" } ?? "none")]
            )
        }
    }
}
