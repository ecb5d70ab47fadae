import Synchronization

/// Hands out indexes 0, 1, 2… to workers running at once.
final class IndexDispenser: Sendable {
    private let next = Atomic<Int>(0)

    /// The next index.
    func take() -> Int { next.wrappingAdd(1, ordering: .relaxed).oldValue }
}

/// A value shared between concurrent workers, behind a lock.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    /// Runs `body` with the value, alone.
    func withLock<Result: Sendable>(_ body: (inout sending Value) -> sending Result) -> Result { mutex.withLock(body) }
}
