/// An `<option>` of a `<select>`.
struct Option {
    var value: String
    var label: String
    var selected: Bool
}
