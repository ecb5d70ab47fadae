import Foundation
import Synchronization

/// Tells the time. Injected so that tests move time forward instead of sleeping.
public protocol Clock: Sendable {
    /// The current time.
    var now: Date { get }
}

/// The machine's wall clock.
public struct SystemClock: Clock {
    /// The wall clock.
    public init() {}

    public var now: Date { Date() }
}

/// A clock that moves only when told to: for tests.
public final class ManualClock: Clock {
    private let current: Mutex<Date>

    /// A clock stopped at `start`.
    public init(_ start: Date = Date(timeIntervalSince1970: 1_767_225_600)) {  // 2026-01-01T00:00:00Z
        current = Mutex(start)
    }

    public var now: Date { current.withLock { $0 } }

    /// Moves the clock forward.
    public func advance(by seconds: TimeInterval) {
        current.withLock { $0 += seconds }
    }
}
