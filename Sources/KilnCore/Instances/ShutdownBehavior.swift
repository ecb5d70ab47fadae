/// What a shutdown from inside the guest does to an instance: InstanceInitiatedShutdownBehavior.
public enum ShutdownBehavior: String, Sendable, Codable, CaseIterable {
    case stop
    case terminate
}
