import Foundation

/// The reboot CreateImage does without NoReboot, wherever the instance's machine runs: the
/// machine is shut down cleanly before the snapshots and boots again after them.
extension InstanceService {
    /// A machine held off for CreateImage, to release with ``releaseImageHold(_:)``.
    package struct ImageHold: Sendable {
        package var instanceID: String
        /// The request written in the instance's record when another node runs the machine;
        /// nil when this node does.
        package var request: String?
    }

    /// How long CreateImage waits for another node to shut a machine down before it takes
    /// the snapshots of whatever the guest flushed.
    static let otherNodeHoldWait: Duration = .seconds(90)

    /// Shuts the running instance's machine down for CreateImage, and returns once its disks
    /// hold everything the guest wrote. In a cluster, a machine that another node runs is
    /// asked for through the instance's record (``Instance/imageHoldRequest``).
    package func holdForImage(_ instance: Instance) async throws -> ImageHold {
        guard context.runtime.drivesStates, let node = instance.node, node != context.nodeID else {
            await context.runtime.quiesceForImage(instanceID: instance.id)
            return ImageHold(instanceID: instance.id, request: nil)
        }
        let request = UUID().uuidString.lowercased()
        try await store.write { transaction in
            guard var current = try transaction.fetch(Instance.self, id: instance.id), current.state == .running else { return }
            current.imageHoldRequest = request
            try transaction.save(current)
        }
        let deadline = ContinuousClock.now + Self.otherNodeHoldWait
        while ContinuousClock.now < deadline {
            let current = try await store.read { try $0.fetch(Instance.self, id: instance.id) }
            if current?.imageHoldReady == request || current?.state != .running { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        return ImageHold(instanceID: instance.id, request: request)
    }

    /// Lets a machine that ``holdForImage(_:)`` shut down boot again.
    package func releaseImageHold(_ hold: ImageHold) async throws {
        guard let request = hold.request else {
            await context.runtime.resumeAfterImage(instanceID: hold.instanceID)
            return
        }
        try await store.write { transaction in
            guard var current = try transaction.fetch(Instance.self, id: hold.instanceID), current.imageHoldRequest == request else { return }
            current.imageHoldRequest = nil
            current.imageHoldReady = nil
            try transaction.save(current)
        }
    }

    /// The node that runs the instance's machine reports it off for the CreateImage `request`.
    package func recordImageHoldReady(_ id: String, request: String) async throws {
        try await store.write { transaction in
            guard var current = try transaction.fetch(Instance.self, id: id), current.imageHoldRequest == request else { return }
            current.imageHoldReady = request
            try transaction.save(current)
        }
    }
}
