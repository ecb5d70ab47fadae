import Foundation
import KilnCore

/// How the console writes dates, sizes and prices.
enum Display {
    /// `2026-12-07 06:15 UTC`.
    static func date(_ date: Date?) -> String? {
        guard let date else { return nil }
        let text = date.formatted(.iso8601)
        return String(text.prefix(16)).replacingOccurrences(of: "T", with: " ") + " UTC"
    }

    /// `1.5 GB`, `512 KB`, in powers of 1000 as AWS bills.
    static func bytes(_ count: Int64) -> String {
        let units = ["bytes", "KB", "MB", "GB", "TB", "PB"]
        var value = Double(count)
        var unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(count) bytes" : String(format: value < 10 ? "%.2f" : "%.1f", value) + " " + units[unit]
    }

    /// `$0.0123`: small amounts keep their digits.
    static func dollars(_ amount: Double) -> String {
        amount < 1 ? String(format: "$%.4f", amount) : String(format: "$%.2f", amount)
    }

    /// `12 ms`.
    static func duration(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        return milliseconds < 10 ? String(format: "%.1f ms", milliseconds) : String(format: "%.0f ms", milliseconds)
    }

    /// A console link with a query built from `parameters`, leaving out empty values.
    static func href(_ path: String, _ parameters: [(String, String?)]) -> String {
        let query = parameters.compactMap { name, value in value.flatMap { $0.isEmpty ? nil : "\(name)=\($0.queryEscaped)" } }
        return query.isEmpty ? path : path + "?" + query.joined(separator: "&")
    }

    /// Options for a `<select>`, with `chosen` selected.
    static func options(_ pairs: [(String, String)], chosen: String?) -> [Option] {
        pairs.map { Option(value: $0.0, label: $0.1, selected: $0.0 == (chosen ?? "")) }
    }

    /// Escapes text for HTML and SVG.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
