import Foundation
import KilnCore
import KilnRuntime
import Logging
import ServiceLifecycle

/// Which instance runtime `kiln serve` uses, and the limits of its machines.
package struct RuntimeChoice: Sendable {
    /// The runtimes.
    package enum Kind: String, Sendable, CaseIterable {
        /// Records only: states follow the latency setting, the console is made up.
        case simulated
        /// One QEMU per running instance, its disks volumes served over NBD.
        case qemu
    }

    /// The runtime.
    package var kind = Kind.simulated
    /// The most memory one machine gets, in MiB.
    package var maxMemoryMiB = 1024
    /// The most vCPUs one machine gets.
    package var maxVCPUs = 2
    /// The memory all machines may use together, in MiB; half the host's when nil.
    package var memoryBudgetMiB: Int?
    /// Seconds StopInstances waits for a guest after the ACPI power button.
    package var stopTimeoutSeconds = 30
    /// The program QEMU runs for each guest connection to the metadata address (`kiln
    /// metadata-relay`); without one, guests have no metadata service.
    package var metadataRelay: [String]?

    /// The defaults: the simulated runtime.
    package init() {}

    /// The runtime chosen, ready to be given to the cloud. A node of several (`shared`)
    /// keeps no write journals: what a guest flushed must be in the shared metadata at once,
    /// since any node may snapshot the volume.
    func makeRuntime(dataDirectory: String, shared: Bool, logger: Logger) throws -> any InstanceRuntime {
        switch kind {
        case .simulated:
            return SimulatedRuntime()
        case .qemu:
            var settings = QEMUSettings(dataDirectory: dataDirectory)
            settings.maxMemoryMiB = maxMemoryMiB
            settings.maxVCPUs = maxVCPUs
            settings.memoryBudgetMiB = memoryBudgetMiB
            settings.stopTimeout = .seconds(stopTimeoutSeconds)
            settings.metadataRelay = metadataRelay
            settings.journalsSmallWrites = !shared
            do {
                return try QEMURuntime(settings: settings, logger: logger)
            } catch let error as QEMURuntimeError {
                throw ConfigurationError("--runtime qemu: \(error.description)")
            }
        }
    }

    /// The services that run beside the HTTP server for `runtime`: for QEMU, its reconciler.
    func services(for runtime: any InstanceRuntime, cloud: Cloud) async -> [any Service] {
        guard let qemu = runtime as? QEMURuntime else { return [] }
        await qemu.bind(cloud.context)
        return [MachineReconciler(runtime: qemu)]
    }
}

/// Runs the QEMU runtime's reconciler while the server runs; at shutdown it ends every machine.
struct MachineReconciler: Service {
    let runtime: QEMURuntime

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            await runtime.run()
        }
    }
}
