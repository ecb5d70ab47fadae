import CXXHash

/// A fast digest of a block's plaintext, kept beside its SHA-256 to tell whether a block
/// changed: XXH3-128 from the system's libxxhash.
///
/// A client that re-uploads a disk image against a parent snapshot (`kiln image import
/// --parent`) must look at every block of the file to find the changed ones. With SHA-256
/// that is the whole cost of the upload (about 1.3 GB/s per core here); XXH3-128 runs at
/// about 7 GB/s. A block whose XXH3-128 equals the parent's at the same index is taken as
/// unchanged; any other block is hashed with SHA-256, checked, and stored by that as always.
///
/// XXH3 is not a cryptographic hash: two different blocks collide by accident with a
/// probability of about 2^-128, but someone who sets out to can build a block that collides
/// with a given one. The worst such a block can do is be skipped, so that the new snapshot
/// keeps the parent's block at that index; it never reaches the store, whose blocks are
/// addressed and verified by SHA-256 alone.
package enum ChangeDigest {
    /// The size of a digest in bytes.
    package static let size = 16

    /// XXH3-128 of `bytes`, high half first (xxHash's canonical byte order).
    package static func of(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { of($0) }
    }

    /// XXH3-128 of `raw`, high half first (xxHash's canonical byte order).
    package static func of(_ raw: UnsafeRawBufferPointer) -> [UInt8] {
        let hash = XXH3_128bits(raw.baseAddress, raw.count)
        var output = [UInt8]()
        output.reserveCapacity(size)
        withUnsafeBytes(of: hash.high64.bigEndian) { output.append(contentsOf: $0) }
        withUnsafeBytes(of: hash.low64.bigEndian) { output.append(contentsOf: $0) }
        return output
    }
}
