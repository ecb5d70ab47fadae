/// Where instances run: the port between the domain and the machines behind its instances.
///
/// The domain records what callers ask for (an instance `pending`, `stopping`,
/// `shutting-down`) and tells the runtime through ``instancesChanged(_:)``. A runtime that
/// ``drivesStates`` then makes the records follow its machines, through the instance
/// service's machine reports (``InstanceService/machineBooted(_:)`` and
/// ``InstanceService/machineEnded(_:cause:)``): `pending` becomes `running` once a machine
/// runs, `stopping` becomes `stopped` once it is off. A runtime that does not drive states
/// leaves them to the transition scheduler's latencies, as ``SimulatedRuntime`` does.
package protocol InstanceRuntime: Sendable {
    /// The runtime's name and acceleration, as the server's first log lines show them.
    var summary: String { get }
    /// Whether machines move instance states; when false, the scheduler's latencies do.
    var drivesStates: Bool { get }
    /// Refuses a launch or a start of `count` instances of `instanceType` that the host
    /// cannot hold, with `InsufficientInstanceCapacity`, as AWS refuses one.
    func admit(instanceType: String, count: Int) async throws
    /// Hears that callers changed what some instances should be doing.
    func instancesChanged(_ change: RuntimeChange) async
    /// Refuses a change to a running instance's devices that its machine cannot make.
    func checkDeviceChange(instanceID: String, volumeID: String, attaching: Bool) async throws
    /// The bytes an instance's serial console printed, or nil when the runtime keeps none.
    func consoleOutput(instanceID: String) async -> [UInt8]?
    /// Shuts an instance's machine down cleanly before CreateImage snapshots its volumes (the
    /// reboot CreateImage does without NoReboot), and returns once its disks hold everything
    /// the guest wrote. The machine stays off until ``resumeAfterImage(instanceID:)``.
    func quiesceForImage(instanceID: String) async
    /// Boots again a machine that ``quiesceForImage(instanceID:)`` shut down.
    func resumeAfterImage(instanceID: String) async
    /// Makes the block maps of `volumeIDs` hold everything written to their served disks so
    /// far, before a snapshot reads them: a served volume's flushed writes may wait in a
    /// journal. Volumes the runtime does not serve are left as they are.
    func settleVolumes(_ volumeIDs: [String]) async throws
    /// The status checks of a running instance's machine, or nil when the runtime has no
    /// machines to check (the records then decide).
    func health(instanceID: String) async -> InstanceHealth?
    /// A PNG of a running instance's display, or nil when its machine has none.
    func screenshot(instanceID: String) async -> [UInt8]?
}

extension InstanceRuntime {
    /// A runtime without machines has nothing to shut down.
    package func quiesceForImage(instanceID: String) async {}
    package func resumeAfterImage(instanceID: String) async {}
    package func settleVolumes(_ volumeIDs: [String]) async throws {}
    package func health(instanceID: String) async -> InstanceHealth? { nil }
    package func screenshot(instanceID: String) async -> [UInt8]? { nil }
}

/// What callers asked of some instances.
package struct RuntimeChange: Sendable, Equatable {
    /// The kind of request.
    package enum Request: Sendable, Equatable {
        case launch, start, reboot, terminate
        /// StopInstances; `force` skips the guest's orderly shutdown.
        case stop(force: Bool)
        /// AttachVolume or DetachVolume of `volumeID`.
        case devices(volumeID: String)
    }

    /// The kind of request.
    package var request: Request
    /// The instances it names.
    package var instanceIDs: [String]

    /// Describes a request.
    package init(_ request: Request, instanceIDs: [String]) {
        self.request = request
        self.instanceIDs = instanceIDs
    }
}
