import Foundation

/// A CreateStoreImageTask: an image written to a bucket as one object, so it can be restored later.
package struct StoreImageTask: StoredResource, Equatable {
    package static let kind = ResourcePrefix.storeImageTask

    /// The image id: an image has at most one store task at a time.
    package var id: String
    package var owner: AccountID
    package var region: RegionName
    package var bucket: String
    package var objectKey: String
    package var state: State
    package var progress: Int
    package var startTime: Date
    package var failureReason: String?

    /// Where a store task is; the raw values are AWS's.
    package enum State: String, Sendable, Codable, CaseIterable {
        case inProgress = "InProgress"
        case completed = "Completed"
        case failed = "Failed"
    }
}

/// The object CreateStoreImageTask writes: the image's description, then each snapshot's
/// non-zero blocks in plaintext, so a restore needs nothing but the object.
///
/// Layout: the magic `KILNAMI1`, a 4-byte big-endian header length, the JSON header, then for
/// each snapshot of the header in order, `blockCount` records of an 8-byte big-endian block
/// index followed by the block's 512 KiB.
struct StoredImageObject: Codable, Sendable {
    struct StoredSnapshot: Codable, Sendable {
        var id: String
        var volumeSize: Int
        var encrypted: Bool
        var description: String
        var blockCount: Int
    }

    var image: Image
    var snapshots: [StoredSnapshot]

    static let magic = Array("KILNAMI1".utf8)
}
