import Foundation

/// A deleted snapshot that a Recycle Bin rule keeps: the snapshot as it was, and when it
/// leaves the bin for good. Its block map stays, so it can be restored whole.
package struct RecycledSnapshot: StoredResource, Equatable {
    package static let kind = ResourcePrefix.recycledSnapshot

    /// The snapshot's id.
    package var id: String
    package var owner: AccountID
    package var region: RegionName
    package var snapshot: Snapshot
    package var enterTime: Date
    package var exitTime: Date
}
