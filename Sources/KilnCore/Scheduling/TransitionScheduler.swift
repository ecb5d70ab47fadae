import Foundation

/// Schedules and carries out asynchronous transitions.
///
/// A domain operation calls ``schedule(_:resourceID:in:)`` inside its transaction. Due
/// transitions are carried out by ``applyDue(in:)``, which ``Cloud`` runs at the end of every
/// write (so `instant` transitions are done before the next request) and which a background
/// task runs as their times come. Tests call it after moving a ``ManualClock`` forward.
package struct TransitionScheduler: Sendable {
    /// Carries out one transition inside a transaction.
    package typealias Handler = @Sendable (ScheduledTransition, any MetadataTransaction) throws -> Void

    /// How long transitions take.
    package let latency: Latency
    private let clock: any Clock
    private var handlers: [ScheduledTransition.Kind: Handler] = [:]

    /// A scheduler with no handlers yet.
    package init(latency: Latency, clock: any Clock) {
        self.latency = latency
        self.clock = clock
    }

    /// Registers the handler for `kind`.
    package mutating func register(_ kind: ScheduledTransition.Kind, _ handler: @escaping Handler) {
        handlers[kind] = handler
    }

    /// Records that `kind` should happen to `resourceID` after the latency's delay.
    package func schedule(_ kind: ScheduledTransition.Kind, resourceID: String, in transaction: any MetadataTransaction) throws {
        try transaction.insert(ScheduledTransition(kind: kind, resourceID: resourceID, due: clock.now + latency.delay(for: kind)))
    }

    /// Carries out every transition due now, in due order, and returns how many there were.
    @discardableResult
    package func applyDue(in transaction: any MetadataTransaction) throws -> Int {
        let due = try transaction.transitions(dueBy: clock.now)
        for transition in due {
            try handlers[transition.kind]?(transition, transaction)
            try transaction.removeTransition(transition)
        }
        return due.count
    }
}
