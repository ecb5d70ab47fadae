import Foundation
import KilnCore
import Synchronization

/// Images already decoded from their stored bytes, keyed by those bytes.
///
/// Bounded: when full, an arbitrary half is dropped, so memory stays under `capacity` entries
/// (about 2 KB each) however many images the store holds.
final class ImageDecodeCache: Sendable {
    private let capacity: Int
    private let entries = Mutex<[Body: Image]>([:])

    init(capacity: Int) {
        self.capacity = capacity
    }

    func image(for body: Data) -> Image? {
        entries.withLock { $0[Body(bytes: body)] }
    }

    func store(_ image: Image, for body: Data) {
        entries.withLock { entries in
            if entries.count >= capacity {
                entries = Dictionary(uniqueKeysWithValues: entries.prefix(capacity / 2).map { ($0.key, $0.value) })
            }
            entries[Body(bytes: body)] = image
        }
    }

    /// An image's stored bytes as a key, hashed whole. `Data`'s own hash reads only its first
    /// 80 bytes, and every image's JSON (keys sorted) begins the same way, so keyed by `Data`
    /// the cache put every image in one collision chain.
    struct Body: Hashable, Sendable {
        let bytes: Data

        func hash(into hasher: inout Hasher) {
            bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        }
    }
}
