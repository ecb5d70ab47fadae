struct FindingRow {
    var severity: String
    var kind: String
    var location: String
    var detail: String
}
