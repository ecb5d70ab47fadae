/// The instances list.
struct InstancesView {
    var rows: [InstanceRow]
    var hasRows: Bool
    /// Whether an instance is between states, so that the page reloads itself.
    var changing: Bool
}
