import Foundation
import KilnCore
import Synchronization

/// Images already decoded from their stored bytes, keyed by those bytes.
///
/// Bounded: when a shard is full, an arbitrary half of it is dropped, so memory stays under
/// `capacity` entries (about 2 KB each) however many images the store holds.
///
/// Every read connection looks images up here at once, so the entries are split into
/// shards, each behind its own lock, and a body is hashed before any lock is taken: with
/// one lock held while hashing, the readers of a busy server queued behind each other.
final class ImageDecodeCache: Sendable {
    private let shards: [Shard]
    private let shardCapacity: Int

    /// How many shards the entries are split into.
    static let shardCount = 16

    init(capacity: Int) {
        shards = (0..<Self.shardCount).map { _ in Shard() }
        shardCapacity = max(1, capacity / Self.shardCount)
    }

    func image(for body: Data) -> Image? {
        let key = Body(body)
        return shard(of: key).entries.withLock { $0[key] }
    }

    func store(_ image: Image, for body: Data) {
        let key = Body(body)
        let capacity = shardCapacity
        shard(of: key).entries.withLock { entries in
            if entries.count >= capacity {
                entries = Dictionary(uniqueKeysWithValues: entries.prefix(capacity / 2).map { ($0.key, $0.value) })
            }
            entries[key] = image
        }
    }

    private func shard(of key: Body) -> Shard {
        shards[Int(UInt(bitPattern: key.hash) % UInt(Self.shardCount))]
    }

    private final class Shard: Sendable {
        let entries = Mutex<[Body: Image]>([:])
    }

    /// An image's stored bytes as a key, hashed whole, once. `Data`'s own hash reads only its
    /// first 80 bytes, and every image's JSON (keys sorted) begins the same way, so keyed by
    /// `Data` the cache put every image in one collision chain.
    struct Body: Hashable, Sendable {
        let hash: Int
        let bytes: Data

        init(_ bytes: Data) {
            var hasher = Hasher()
            bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
            hash = hasher.finalize()
            self.bytes = bytes
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(hash)
        }

        static func == (left: Body, right: Body) -> Bool {
            left.hash == right.hash && left.bytes == right.bytes
        }
    }
}
