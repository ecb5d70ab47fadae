struct ActivityRow {
    var started: String
    var status: String
    var what: String
    var why: String
}
