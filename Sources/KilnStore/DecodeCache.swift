import Foundation
import KilnCore
import Synchronization

/// Values already decoded from their stored JSON, keyed by those bytes: a value depends on
/// its bytes alone, so the cache never needs invalidating. Decoding with `JSONDecoder` costs
/// more than the SQL that fetched the bytes; DescribeImages over many images, and the
/// volume or snapshot that every block write looks up, decode the same bytes again and again.
///
/// Bounded: when a shard is full, an arbitrary half of it is dropped, so memory stays under
/// `capacity` entries (about 2 KB each) however many values the store holds.
///
/// Every read connection looks values up here at once, so the entries are split into
/// shards, each behind its own lock, and a body is hashed before any lock is taken: with
/// one lock held while hashing, the readers of a busy server queued behind each other.
package final class DecodeCache<Value: Sendable>: Sendable {
    private let shards: [Shard]
    private let shardCapacity: Int

    /// How many shards the entries are split into.
    static var shardCount: Int { 16 }

    package init(capacity: Int) {
        shards = (0..<Self.shardCount).map { _ in Shard() }
        shardCapacity = max(1, capacity / Self.shardCount)
    }

    package func value(for body: Data) -> Value? {
        let key = Body(body)
        return shard(of: key).entries.withLock { $0[key] }
    }

    package func store(_ value: Value, for body: Data) {
        let key = Body(body)
        let capacity = shardCapacity
        shard(of: key).entries.withLock { entries in
            if entries.count >= capacity {
                entries = Dictionary(uniqueKeysWithValues: entries.prefix(capacity / 2).map { ($0.key, $0.value) })
            }
            entries[key] = value
        }
    }

    private func shard(of key: Body) -> Shard {
        shards[Int(UInt(bitPattern: key.hash) % UInt(Self.shardCount))]
    }

    private final class Shard: Sendable {
        let entries = Mutex<[Body: Value]>([:])
    }

    /// A value's stored bytes as a key, hashed whole, once. `Data`'s own hash reads only its
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
