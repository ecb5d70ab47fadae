/// Auto Scaling groups: their instances, activities and instance refreshes.
struct AutoScalingView {
    var groups: [GroupView]
    var hasGroups: Bool
}
