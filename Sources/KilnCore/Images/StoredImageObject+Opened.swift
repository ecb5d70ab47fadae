extension StoredImageObject {
    /// A stored image object whose header has been read: enough to read its blocks.
    struct Opened: Sendable {
        /// The object's name in the blob store.
        var name: String
        /// Its size in bytes.
        var size: Int
        /// What it holds.
        var header: StoredImageObject
        /// Where the first block record starts.
        var blocksStart: Int
        /// The error for an object that turns out not to be a whole stored image.
        var invalid: CloudError
    }
}
