import Foundation

extension Date {
    /// `2024-01-02T03:04:05.000Z`: the form in which filters compare dates, and in which the
    /// texts that Kiln writes into resources (a copy's description, a state reason) give them.
    var iso8601Text: String {
        formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
