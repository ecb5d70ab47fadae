struct SnapshotRow {
    var id: String
    var state: String
    var size: String
    var stored: String
    var billed: String
    var monthly: String
    var tier: String
    var description: String
    var orphaned: Bool
}
