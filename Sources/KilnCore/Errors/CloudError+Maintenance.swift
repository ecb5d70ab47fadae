/// The errors of store maintenance, with AWS's codes and messages.
extension CloudError {
    package static let maintenanceNeedsAdmin = CloudError(
        "AccessDenied",
        "Only accounts marked \"admin\": true in the configuration may run store maintenance.",
        category: .forbidden
    )

    /// The data directory's file system is full: nothing of the request was stored.
    package static func storageFull(_ reason: String) -> CloudError {
        CloudError(
            "ServiceUnavailable",
            "Kiln's data directory is out of space (\(reason)); nothing of this request was stored. Free space and retry.",
            category: .throttled
        )
    }

    /// In a cluster, another node holds a lease on blocks it is writing, or runs a collection.
    package static func garbageCollectionDeferred(_ reason: String) -> CloudError {
        CloudError(
            "ServiceUnavailable",
            "Garbage collection was deferred: \(reason). Retry once the cluster's uploads and copies end.",
            category: .throttled
        )
    }
}

/// The errors of `kiln backup`.
extension CloudError {
    /// A backup goes into a new or empty directory, never over another copy.
    package static func backupDestinationInUse(_ path: String) -> CloudError {
        CloudError("InvalidParameterValue", "The backup directory \(path) is not empty; give a new or empty directory.")
    }

    /// A backup needs an absolute path on the server's machine.
    package static let backupDestinationMissing = CloudError(
        "MissingParameter",
        "The request must contain the parameter to: an absolute path on the server's machine."
    )

    /// Backups copy a SQLite data directory; other stores have their own tools.
    package static let backupUnsupported = CloudError(
        "UnsupportedOperation",
        "This server's metadata or blocks are not in a local data directory that kiln backup can copy."
    )
}
