import Foundation
import KilnCore
import Logging
import ServiceLifecycle

/// Carries out scheduled transitions as they fall due, and gives every Auto Scaling group a
/// reconciling pass each second, for as long as the server runs.
///
/// At start it first carries out everything that fell due while the server was down, so a
/// restart resumes pending work.
struct TransitionRunner: Service {
    let cloud: Cloud
    let logger: Logger
    /// The longest it sleeps before looking again, so that newly scheduled work is picked up.
    var pollInterval: Duration = .milliseconds(200)
    /// How often every Auto Scaling group gets a reconciling pass.
    var reconcileInterval: TimeInterval = 1
    /// Whether this node does the background work now: always alone, and on one node of a
    /// cluster at a time (``ClusterNode``).
    var leads: @Sendable () -> Bool = { true }

    init(cloud: Cloud, logger: Logger, leads: @escaping @Sendable () -> Bool = { true }) {
        self.cloud = cloud
        self.logger = logger
        self.leads = leads
    }

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            var lastReconcile = Date.distantPast
            while !Task.isCancelled {
                do {
                    guard leads() else {
                        try await Task.sleep(for: pollInterval)
                        continue
                    }
                    if Date().timeIntervalSince(lastReconcile) >= reconcileInterval {
                        lastReconcile = Date()
                        try await cloud.autoScaling.reconcileAutoScalingGroups()
                    }
                    let applied = try await cloud.applyDueTransitions()
                    if applied > 0 { logger.debug("applied transitions", metadata: ["count": .stringConvertible(applied)]) }
                    var wait = pollInterval
                    if let next = try await cloud.nextTransitionDue() {
                        let seconds = max(0, next.timeIntervalSince(cloud.clock.now))
                        wait = min(wait, .milliseconds(Int64(seconds * 1000)))
                    }
                    try await Task.sleep(for: wait)
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("transition runner failed; retrying", metadata: ["error": .string("\(error)")])
                    try await Task.sleep(for: .seconds(1))
                }
            }
        }
    }
}
