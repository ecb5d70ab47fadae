import Foundation

/// What a runtime needs to know of one live instance to run its machine: the instance as
/// recorded, and whether its launch is still waiting for the scheduler (a `pending` instance
/// whose volumes' keys are not yet checked must not boot).
package struct MachineOrder: Sendable {
    /// The instance as recorded.
    package var instance: Instance
    /// Whether the scheduler has yet to admit the instance's boot.
    package var awaitingAdmission: Bool
    /// Its network as the machine sees it; nil for instances recorded before Kiln had networks.
    package var network: MachineNetwork?

    /// Describes an instance's machine.
    package init(instance: Instance, awaitingAdmission: Bool, network: MachineNetwork? = nil) {
        self.instance = instance
        self.awaitingAdmission = awaitingAdmission
        self.network = network
    }

    /// The volumes the machine's disks serve, root first: each with its device name.
    package var disks: [(deviceName: String, volumeID: String)] {
        var disks: [(String, String)] = []
        if let ephemeral = instance.ephemeralRootVolumeID { disks.append((instance.rootDeviceName, ephemeral)) }
        let root = instance.rootDeviceName
        let sorted = instance.devices.sorted { lhs, rhs in
            (lhs.deviceName == root ? 0 : 1, lhs.attachTime, lhs.deviceName) < (rhs.deviceName == root ? 0 : 1, rhs.attachTime, rhs.deviceName)
        }
        disks += sorted.map { ($0.deviceName, $0.volumeID) }
        return disks.map { (deviceName: $0.0, volumeID: $0.1) }
    }
}

/// How an instance's machine came to an end.
package enum MachineEnd: Sendable, Equatable {
    /// Kiln ended it, for StopInstances or TerminateInstances.
    case requested
    /// The guest powered itself off.
    case guestShutdown
    /// The machine died on its own; the text says how.
    case failed(String)
}
