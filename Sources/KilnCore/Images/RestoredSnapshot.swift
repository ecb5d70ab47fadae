import Foundation

/// A snapshot of a stored image object whose blocks CreateRestoreImageTask has stored, and
/// which it records as a new snapshot of the caller.
struct RestoredSnapshot: Sendable {
    /// The snapshot as the object describes it.
    var stored: StoredImageObject.StoredSnapshot
    /// The new snapshot's id.
    var newID: String
    /// The key of the new snapshot's domain, when it is encrypted.
    var kmsKeyID: String?
    /// Its blocks, stored in that domain.
    var entries: [BlockEntry]

    /// Records the new snapshot, completed, with its block map and storage measured.
    func record(caller: Caller, description: String, now: Date, in transaction: any MetadataTransaction) throws -> Snapshot {
        var snapshot = Snapshot(
            id: newID,
            owner: caller.account,
            region: caller.region,
            volumeID: Snapshot.directUploadVolumeID,
            volumeSize: stored.volumeSize,
            state: .completed,
            progress: 100,
            startTime: now,
            description: description,
            encrypted: kmsKeyID != nil,
            kmsKeyID: kmsKeyID,
            parentID: nil,
            lineageID: newID
        )
        snapshot.completionTime = now
        try transaction.putBlockEntries(entries, of: newID, domain: snapshot.domain.id)
        snapshot.storage = try transaction.measure(snapshotID: newID, changed: entries, domain: snapshot.domain)
        try transaction.save(snapshot)
        return snapshot
    }
}
