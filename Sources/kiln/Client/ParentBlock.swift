/// What the parent snapshot of an incremental import holds at one block index.
struct ParentBlock: Sendable {
    /// The block's SHA-256, base64, as the digests route gives it.
    var sha256: String
    /// The block's XXH3-128, when the server kept it.
    var xxh3: [UInt8]?
}
