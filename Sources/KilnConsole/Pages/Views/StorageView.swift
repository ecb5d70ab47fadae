/// Snapshots and volumes, with charts of storage and cost per region from the cost report
/// (`GET /kiln/cost`).
struct StorageView {
    var account: String
    var total: String
    var savings: String
    var storageChart: String
    var costChart: String
    var snapshots: [SnapshotRow]
    var hasSnapshots: Bool
    var nextHref: String?
    var volumes: [VolumeRow]
    var hasVolumes: Bool
}
