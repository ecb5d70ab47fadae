struct RefreshView {
    var id: String
    var status: String
    var percent: Int
    var toUpdate: Int
}
