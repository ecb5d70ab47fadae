/// What ``BlobStore/copyAll(prefix:to:)`` moved: the objects written and their bytes, and the
/// objects the target already held at the same size (from an earlier, interrupted copy) and so kept.
package struct BlobCopySummary: Sendable, Equatable {
    package var copied = 0
    package var bytes = 0
    package var kept = 0
}
