/// The heading of a column the images list can be ordered by.
struct SortHeader {
    var id: String
    var label: String
    /// The list in this column's order, or the other way round when it is the current one.
    var href: String
    /// `ascending` or `descending` when the list is in this column's order.
    var ariaSort: String?
    /// An arrow that shows the current order's direction.
    var indicator: String?
}
