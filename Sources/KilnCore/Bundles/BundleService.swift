import Crypto
import Foundation

/// Instance-store bundles: the manifest and parts kept as objects, and the ephemeral roots
/// made from them.
package struct BundleService: CloudService {
    package let context: CloudContext
}

/// An instance-store image's bundle turned into blocks: the root disk of an instance launched from it.
struct MaterializedBundle: Sendable {
    var entries: [BlockEntry]
    var sizeGiB: Int
}

/// Instance-store bundles: objects under `buckets/`, turned into an instance's root disk at launch.
extension BundleService {
    /// The object name of `key` in `bucket`.
    package static func objectName(bucket: String, key: String) -> String { "buckets/\(bucket)/\(key)" }

    /// The manifest at an image location (`bucket/prefix.manifest.xml`).
    func bundleManifest(at location: String) async throws -> BundleManifest {
        let name = "buckets/\(location)"
        guard let size = try await objects.size(name) else { throw CloudError.unreadableManifest(location, "no such object") }
        let bytes = try await objects.read(name, offset: 0, length: size)
        guard let manifest = BundleManifest(xml: String(decoding: bytes, as: UTF8.self)) else {
            throw CloudError.unreadableManifest(location, "it is not a bundle manifest")
        }
        return manifest
    }

    /// Checks, as RegisterImage does, that the manifest at `location` can be read and that every
    /// part it names is there.
    func checkBundle(at location: String) async throws {
        let manifest = try await bundleManifest(at: location)
        let folder = location.split(separator: "/").dropLast().joined(separator: "/")
        for part in manifest.parts where try await objects.size("buckets/\(folder)/\(part.filename)") == nil {
            throw CloudError.unreadableManifest(location, "part \(part.filename) is missing")
        }
    }

    /// Reads a bundle's parts, checks their digests, and stores the image's non-zero blocks in
    /// the region's unencrypted domain (where earlier launches have usually put them already).
    func materializeBundle(at location: String, region: RegionName) async throws -> MaterializedBundle {
        let manifest = try await bundleManifest(at: location)
        let folder = location.split(separator: "/").dropLast().joined(separator: "/")
        let domain = EncryptionDomain.unencrypted(region)
        var entries: [BlockEntry] = []
        var pending: [UInt8] = []
        var index = 0
        var whole = SHA256()
        func emit(_ block: [UInt8]) async throws {
            if !Block.isZero(block) {
                let digest = Array(SHA256.hash(data: block))
                entries.append(
                    BlockEntry(
                        index: index,
                        id: try await blocks.put(block, sha256: digest, domain: domain),
                        sha256: digest,
                        changeDigest: ChangeDigest.of(block)
                    )
                )
            }
            index += 1
        }
        for part in manifest.parts {
            let name = "buckets/\(folder)/\(part.filename)"
            guard let size = try await objects.size(name) else { throw CloudError.unreadableManifest(location, "part \(part.filename) is missing") }
            let bytes = try await objects.read(name, offset: 0, length: size)
            guard Hex.encode(SHA256.hash(data: bytes)) == part.sha256 else {
                throw CloudError.unreadableManifest(location, "part \(part.filename) does not match its digest")
            }
            whole.update(data: bytes)
            pending += bytes
            var start = 0
            while pending.count - start >= Block.size {
                try await emit(Array(pending[start..<start + Block.size]))
                start += Block.size
            }
            pending.removeFirst(start)
        }
        guard Hex.encode(whole.finalize()) == manifest.sha256, index * Block.size + pending.count == manifest.size else {
            throw CloudError.unreadableManifest(location, "the parts do not add up to the image the manifest describes")
        }
        if !pending.isEmpty {
            try await emit(pending + [UInt8](repeating: 0, count: Block.size - pending.count))
        }
        try await blocks.flush()
        let gib = 1 << 30
        return MaterializedBundle(entries: entries, sizeGiB: max(1, (manifest.size + gib - 1) / gib))
    }
}

/// Kiln's small bucket store: what `kiln bundle` uploads and store image tasks write.
extension BundleService {
    /// Checks a bucket name and object key: no empty parts, no `..`.
    static func validateObjectName(bucket: String, key: String) throws {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        guard (3...63).contains(bucket.count), bucket.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "-" || $0 == "." }),
            !key.isEmpty, key.count <= 1024, parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." })
        else {
            throw CloudError.invalidParameterValue("'\(bucket)/\(key)' is not a valid bucket and key.")
        }
    }

    /// Stores an object; it is durable when this returns.
    package func putObject(_ caller: Caller, bucket: String, key: String, bytes: [UInt8]) async throws {
        try Self.validateObjectName(bucket: bucket, key: key)
        _ = try regions.requireEnabled(caller.region)
        try await claimBucket(bucket, caller)
        try await objects.write(Self.objectName(bucket: bucket, key: key), bytes)
    }

    /// An object's bytes from `offset`, at most `length`; `NoSuchKey` if there is none.
    package func object(_ caller: Caller, bucket: String, key: String, offset: Int, length: Int) async throws -> [UInt8] {
        try Self.validateObjectName(bucket: bucket, key: key)
        try await requireBucketAccess(bucket, caller)
        let name = Self.objectName(bucket: bucket, key: key)
        guard let size = try await objects.size(name) else {
            throw CloudError.noSuchObject(key, bucket)
        }
        let start = min(max(0, offset), size)
        return try await objects.read(name, offset: start, length: min(length, size - start))
    }
}
