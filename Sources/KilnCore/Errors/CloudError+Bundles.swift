/// The errors of instance-store bundles, with AWS's codes and messages.
extension CloudError {
    package static func unreadableManifest(_ location: String, _ why: String) -> CloudError {
        CloudError("InvalidManifest", "The bundle manifest '\(location)' cannot be used: \(why).")
    }

    package static func noSuchObject(_ key: some CustomStringConvertible, _ bucket: some CustomStringConvertible) -> CloudError {
        CloudError("NoSuchKey", "The object '\(key)' does not exist in bucket '\(bucket)'.")
    }

    package static func invalidManifestLocation(_ location: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidManifest", "The manifest location '\(location)' is not a bundle manifest (bucket/prefix/image.manifest.xml).")
    }

    /// S3's answer to an account that does not own the bucket.
    package static func bucketAccessDenied(_ bucket: some CustomStringConvertible) -> CloudError {
        CloudError("AccessDenied", "Access Denied: the bucket '\(bucket)' belongs to another account.", category: .forbidden)
    }
}
