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
