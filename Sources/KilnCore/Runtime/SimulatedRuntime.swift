/// The runtime of records only: instances move through their states after the scheduler's
/// latencies, and their console shows a boot log made from the instance's description.
public struct SimulatedRuntime: InstanceRuntime {
    /// A simulated runtime.
    public init() {}

    public var summary: String { "simulated (no machines; states follow the latency setting)" }
    public var drivesStates: Bool { false }
    public func admit(instanceType: String, count: Int) async throws {}
    public func instancesChanged(_ change: RuntimeChange) async {}
    public func checkDeviceChange(instanceID: String, volumeID: String, attaching: Bool) async throws {}
    public func consoleOutput(instanceID: String) async -> [UInt8]? { nil }
}
