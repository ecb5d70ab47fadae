import Foundation
import Synchronization

/// Tells the time. Injected so that tests move time forward instead of sleeping.
package protocol Clock: Sendable {
    /// The current time.
    var now: Date { get }
}

/// The machine's wall clock.
package struct SystemClock: Clock {
    /// The wall clock.
    package init() {}

    package var now: Date { Date() }
}

/// A clock that moves only when told to: for tests.
package final class ManualClock: Clock {
    private let current: Mutex<Date>

    /// A clock stopped at `start`.
    package init(_ start: Date = Date(timeIntervalSince1970: 1_767_225_600)) {  // 2026-01-01T00:00:00Z
        current = Mutex(start)
    }

    package var now: Date { current.withLock { $0 } }

    /// Moves the clock forward.
    package func advance(by seconds: TimeInterval) {
        current.withLock { $0 += seconds }
    }
}

/// The wall clock moved forward by an offset that only grows: the clock of a server started
/// for test suites (`--enable-test-reset`), whose tests move time with `POST /kiln/test/clock`
/// instead of sleeping.
package final class OffsetClock: Clock {
    private let offset = Mutex<TimeInterval>(0)

    /// The wall clock, not yet moved.
    package init() {}

    package var now: Date { Date() + offset.withLock { $0 } }

    /// Moves the clock forward.
    package func advance(by seconds: TimeInterval) {
        offset.withLock { $0 += max(0, seconds) }
    }
}
