/// What a shutdown from inside the guest does to an instance: InstanceInitiatedShutdownBehavior.
package enum ShutdownBehavior: String, Sendable, Codable, CaseIterable {
    case stop
    case terminate
}
