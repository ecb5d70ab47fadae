struct TagRow {
    var key: String
    var value: String
}
