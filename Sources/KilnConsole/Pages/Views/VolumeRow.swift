struct VolumeRow {
    var id: String
    var state: String
    var size: String
    var volumeType: String
    var attachedTo: String
    var snapshot: String
    var monthly: String
    var unattached: Bool
}
