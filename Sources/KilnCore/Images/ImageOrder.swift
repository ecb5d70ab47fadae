import Foundation

/// The order in which images are listed: by id, name or creation date, ascending or
/// descending. Images with equal keys follow their storage keys in the same direction, so the
/// order is total and a page can start after any image.
package struct ImageOrder: Sendable, Hashable {
    /// What images are ordered by.
    package enum Key: String, Sendable, CaseIterable {
        case id
        case name
        case creationDate = "creation-date"
    }

    package var key: Key
    package var descending: Bool

    /// An order by `key`, ascending unless `descending`.
    package init(_ key: Key, descending: Bool = false) {
        self.key = key
        self.descending = descending
    }

    /// By id, ascending: DescribeImages' order.
    package static let byID = ImageOrder(.id)

    /// Where `image` stands in this order.
    package func position(of image: Image) -> ImagePosition {
        switch key {
        case .id: ImagePosition(after: image.storageKey)
        case .name: ImagePosition(after: image.storageKey, key: .name(image.name))
        case .creationDate: ImagePosition(after: image.storageKey, key: .creationDate(image.creationDate.timeIntervalSince1970))
        }
    }
}
