/// A place in an ``ImageOrder``: an image's sort key and storage key. A page that starts
/// there holds the images that follow it in the order.
package struct ImagePosition: Sendable, Equatable {
    /// The sort key of an image, by the order's key.
    package enum Key: Sendable, Equatable {
        /// In id order the storage key is the sort key.
        case none
        case name(String)
        /// Seconds since 1970, as the stores keep it.
        case creationDate(Double)
    }

    /// The image's storage key.
    package var id: String
    package var key: Key

    /// The position of the image filed under `id` whose sort key is `key`.
    package init(after id: String, key: Key = .none) {
        self.id = id
        self.key = key
    }
}
