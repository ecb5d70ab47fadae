import Foundation
import KilnWire

/// The fields of an `application/x-www-form-urlencoded` form or a query string.
struct FormFields: Sendable {
    private var values: [String: [String]] = [:]

    /// Reads `text` as the query protocols' ``FormInput`` does (`+` is a space, `%XX` a
    /// byte), except that a field may repeat.
    init(_ text: String) {
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = FormInput.decode(Array(parts[0].utf8))
            let value = parts.count > 1 ? FormInput.decode(Array(parts[1].utf8)) : ""
            values[name, default: []].append(value)
        }
    }

    /// The field's first value, as sent.
    subscript(_ name: String) -> String? { values[name]?.first }

    /// The field's first value without surrounding blanks; `nil` when empty.
    func text(_ name: String) -> String? {
        guard let value = values[name]?.first?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    /// Every value of a repeated field, without blanks.
    func all(_ name: String) -> [String] {
        (values[name] ?? []).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    /// Whether a checkbox was ticked.
    func isOn(_ name: String) -> Bool {
        guard let value = values[name]?.last else { return false }
        return ["on", "true", "1", "yes"].contains(value.lowercased())
    }

    /// A whole number field; `nil` when empty or not a number.
    func integer(_ name: String) -> Int? { text(name).flatMap { Int($0) } }
}

extension String {
    /// The text as a query-string value.
    var queryEscaped: String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~*?")
        return addingPercentEncoding(withAllowedCharacters: allowed) ?? self
    }
}
