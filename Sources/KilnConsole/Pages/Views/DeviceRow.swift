struct DeviceRow {
    var index: Int
    var deviceName: String
    var volumeID: String
}
