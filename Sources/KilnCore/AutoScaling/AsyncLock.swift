/// A lock for async code: one holder at a time, the others wait in order.
///
/// Auto Scaling calls and the reconciler read a group, launch or terminate instances (which
/// awaits), then save the group; holding this lock across that keeps two of them from
/// overwriting each other's changes.
public actor AsyncLock {
    private var held = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// A free lock.
    public init() {}

    /// Runs `body` while holding the lock.
    public func run<Result: Sendable>(_ body: @Sendable () async throws -> Result) async throws -> Result {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        if !held {
            held = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        if waiters.isEmpty {
            held = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}
