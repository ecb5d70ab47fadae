import Foundation
import Synchronization

/// A block's bytes on their way from the block store to a volume export's cache.
///
/// A task fetches them and delivers them (or its error) here. The export takes them from an
/// NBD connection's own thread: at once when they have arrived, else after waiting on a
/// semaphore. It never waits through Swift's executor, whose threads are the ones that run
/// the fetches, and during a sequential read are busy with the blocks after this one.
///
/// A fetch nobody takes any more is simply dropped: its task still delivers, to no one.
final class BlockFetch: Sendable {
    private let outcome = Mutex<Result<[UInt8], any Error>?>(nil)
    private let arrived = DispatchSemaphore(value: 0)

    /// A fetch whose bytes are yet to be delivered.
    init() {}

    /// A fetch whose bytes `work` gives, started at once on a task of its own.
    convenience init(_ work: @escaping @Sendable () async throws -> [UInt8]) {
        self.init()
        Task {
            do { deliver(.success(try await work())) } catch { deliver(.failure(error)) }
        }
    }

    /// Hands over the bytes, or why there are none. Only the first delivery counts.
    func deliver(_ result: Result<[UInt8], any Error>) {
        let first = outcome.withLock { outcome in
            guard outcome == nil else { return false }
            outcome = result
            return true
        }
        if first { arrived.signal() }
    }

    /// The bytes, once delivered; throws the fetch's error. Blocks the calling thread while
    /// they are on their way, so it is called from an NBD connection's thread only.
    func bytes() throws -> [UInt8] {
        if let result = outcome.withLock({ $0 }) { return try result.get() }
        arrived.wait()
        arrived.signal()  // leaves the semaphore raised for any later call
        guard let result = outcome.withLock({ $0 }) else { throw CancellationError() }
        return try result.get()
    }
}
