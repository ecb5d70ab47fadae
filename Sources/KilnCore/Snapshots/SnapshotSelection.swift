import Foundation

/// Which of the snapshots a caller may use DescribeSnapshots lists: by owner, by who may
/// restore them, and by its filters.
struct SnapshotSelection: Sendable {
    private let owners: [String]
    private let restorers: [String]
    private let filters: FilterSet
    /// Whether only the caller's own snapshots can match, so that the page is read from its own.
    let ownOnly: Bool

    init(caller: Caller, owners: [String]?, restorableBy: [String]?, filters: FilterSet) {
        self.owners = (owners ?? []).map { $0 == "self" ? caller.account.rawValue : $0 }
        restorers = (restorableBy ?? []).map { $0 == "self" ? caller.account.rawValue : $0 }
        self.filters = filters
        ownOnly = !self.owners.isEmpty && self.owners.allSatisfy { $0 == caller.account.rawValue }
    }

    /// Whether a snapshot, with the caller's tags on it, is listed.
    func admits(_ candidate: (Snapshot, [Tag])) -> Bool {
        let (snapshot, tags) = candidate
        guard owners.isEmpty || owners.contains(snapshot.owner.rawValue) else { return false }
        if !restorers.isEmpty {
            let grants = snapshot.createVolumePermissions ?? []
            let restorable = restorers.contains { user in
                user == "all" ? grants.contains("all") : snapshot.owner.rawValue == user || grants.contains(user) || grants.contains("all")
            }
            guard restorable else { return false }
        }
        return filters.admits { name in
            if let values = FilterSet.tagValues(name, tags: tags) { return values }
            return Self.filterValues(name, of: snapshot)
        }
    }

    private static func filterValues(_ name: String, of snapshot: Snapshot) -> [String] {
        switch name {
        case "description": return [snapshot.description]
        case "encrypted": return [String(snapshot.encrypted)]
        case "owner-id": return [snapshot.owner.rawValue]
        case "progress": return ["\(snapshot.progress)%"]
        case "snapshot-id": return [snapshot.id]
        case "start-time": return [snapshot.startTime.iso8601Text]
        case "status": return [snapshot.state.rawValue]
        case "storage-tier": return [snapshot.storageTier.rawValue]
        case "transfer-type": return ["standard"]
        case "owner-alias": return Catalog.amazonOwners.contains(snapshot.owner) ? ["amazon"] : []
        case "volume-id": return [snapshot.volumeID]
        case "volume-size": return [String(snapshot.volumeSize)]
        case "kms-key-id": return [snapshot.kmsKeyID ?? ""]
        default: return []
        }
    }
}
