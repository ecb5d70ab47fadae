import Foundation
import KilnCore
import KilnObjectStore
import KilnStore
import Logging

extension KilnApplication {
    /// Where block packs and whole objects go: folders `blocks/` and `objects/` of the data
    /// directory, or the same folders in the `--blocks` bucket. Packs never change once written,
    /// so only their reads are cached; bundles and stored images may be written again.
    static func blobStores(_ configuration: ServerConfiguration, directory: URL) throws -> (blocks: any BlobStore, objects: any BlobStore) {
        guard let location = configuration.blocks else { return try localBlobStores(in: directory) }
        let cache = configuration.blocksCacheMiB > 0 ? RangeCache(capacity: configuration.blocksCacheMiB << 20) : nil
        return objectStoreBlobStores(at: location, cache: cache)
    }

    /// The data directory's `blocks/` and `objects/` folders.
    package static func localBlobStores(in directory: URL) throws -> (blocks: LocalBlobStore, objects: LocalBlobStore) {
        (try LocalBlobStore(root: directory.appendingPathComponent("blocks")), try LocalBlobStore(root: directory.appendingPathComponent("objects")))
    }

    /// The same two folders in an object store; packs never change, so only their reads are cached.
    package static func objectStoreBlobStores(at location: S3Location, cache: RangeCache?) -> (blocks: S3BlobStore, objects: S3BlobStore) {
        (S3BlobStore(location: location.appending(folder: "blocks"), cache: cache), S3BlobStore(location: location.appending(folder: "objects")))
    }

    /// With `--blocks` in an object store: checks that the store answers and the keys work, and
    /// creates the bucket if it is missing, so a wrong endpoint or key stops `kiln serve` at once.
    static func prepareObjectStore(_ configuration: ServerConfiguration, logger: Logger) async throws {
        guard let location = configuration.blocks else { return }
        try await ensureObjectStore(at: location)
        logger.notice("blocks and objects in s3://\(location.bucket)/\(location.keyPrefix) at \(location.endpoint)")
    }

    /// Checks that the object store at `location` answers and takes the keys, creating its
    /// bucket if it is missing; a ``ConfigurationError`` says which store refused and why.
    package static func ensureObjectStore(at location: S3Location) async throws {
        do {
            try await S3Client(location: location).ensureBucket()
        } catch {
            throw ConfigurationError("the object store at \(location.endpoint) (bucket \(location.bucket)) cannot be used: \(error)")
        }
    }
}
