import Foundation

/// An instance's state and console output, for live updates.
struct InstanceStatus: Codable {
    var state: String
    var output: String
    var at: String
    var live: Bool
}
