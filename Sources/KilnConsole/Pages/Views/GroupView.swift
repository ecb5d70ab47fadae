struct GroupView {
    var index: Int
    var name: String
    var desired: Int
    var minSize: Int
    var maxSize: Int
    var zones: String
    var source: String
    var refreshes: [RefreshView]
    var members: [MemberRow]
    var hasMembers: Bool
    var activities: [ActivityRow]
    var hasActivities: Bool
}
