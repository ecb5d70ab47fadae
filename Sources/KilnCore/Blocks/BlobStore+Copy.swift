/// Moving every object of one blob store into another: `kiln migrate --blocks` takes a data
/// directory's packs and objects into an object store this way.
extension BlobStore {
    /// The piece a copy reads and writes at a time, so that an object larger than memory
    /// (a stored image) moves through a bounded buffer.
    static var copyPiece: Int { 8 << 20 }

    /// Writes every object of this store under `prefix` to `target` under the same name. Each
    /// object is written whole before the next starts, as ``write(_:streaming:)`` promises, so
    /// an interrupted copy can run again: objects the target holds at their full size are kept.
    package func copyAll(prefix: String = "", to target: any BlobStore) async throws -> BlobCopySummary {
        var summary = BlobCopySummary()
        for name in try await list(prefix: prefix) {
            guard let size = try await self.size(name) else { continue }
            if try await target.size(name) == size {
                summary.kept += 1
                continue
            }
            try await target.write(name) { sink in
                var offset = 0
                while offset < size {
                    let length = Swift.min(Self.copyPiece, size - offset)
                    try await sink.write(try await self.read(name, offset: offset, length: length))
                    offset += length
                }
            }
            summary.copied += 1
            summary.bytes += size
        }
        return summary
    }
}
