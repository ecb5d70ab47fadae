/// Runs the changes to Auto Scaling groups one at a time, the others waiting in order.
///
/// Auto Scaling calls and the reconciler read a group, launch or terminate instances (which
/// awaits), then save the group. An actor alone would not keep two of them apart, since each
/// awaits in the middle; the coordinator holds the turn across those awaits.
actor GroupCoordinator {
    private var held = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// A coordinator with nobody waiting.
    init() {}

    /// Runs `body` when its turn comes, and gives the turn to the next caller when it ends.
    func run<Result: Sendable>(_ body: @Sendable () async throws -> Result) async throws -> Result {
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
