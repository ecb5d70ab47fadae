/// The runtime of records only: instances move through their states after the scheduler's
/// latencies, and their console shows a boot log made from the instance's description.
package struct SimulatedRuntime: InstanceRuntime {
    /// A simulated runtime.
    package init() {}

    package var summary: String { "simulated (no machines; states follow the latency setting)" }
    package var drivesStates: Bool { false }
    package func admit(instanceType: String, count: Int) async throws {}
    package func instancesChanged(_ change: RuntimeChange) async {}
    package func checkDeviceChange(instanceID: String, volumeID: String, attaching: Bool) async throws {}
    package func consoleOutput(instanceID: String) async -> [UInt8]? { nil }
}
