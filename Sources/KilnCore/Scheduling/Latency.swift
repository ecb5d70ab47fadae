import Foundation

/// How long asynchronous transitions take: at once, or about as long as on AWS.
package enum Latency: String, Sendable, CaseIterable {
    /// Every transition falls due when it is scheduled and is carried out before the request
    /// that scheduled it answers; the answer still shows the first state (`creating`).
    case instant
    /// Transitions take seconds, as on AWS, so waiters and polling loops get exercised.
    case realistic

    /// The delay of a transition of `kind`.
    package func delay(for kind: ScheduledTransition.Kind) -> TimeInterval {
        switch self {
        case .instant: return 0
        case .realistic: return Self.realisticDelays[kind] ?? 2
        }
    }

    static let realisticDelays: [ScheduledTransition.Kind: TimeInterval] = [
        .volumeAvailable: 2,
        .volumeDeleted: 2,
        .instanceRunning: 4,
        .instanceStopped: 3,
        .instanceTerminated: 3,
    ]
}
