import Foundation

/// A change of state that falls due later: a volume becoming `available`, a snapshot `completed`.
///
/// Transitions are stored with the resources they change, so a restart carries them out.
package struct ScheduledTransition: Sendable, Equatable, Codable {
    /// What kind of change; each kind has one handler.
    package struct Kind: RawRepresentable, Sendable, Hashable, Codable {
        package let rawValue: String
        package init(rawValue: String) { self.rawValue = rawValue }
    }

    /// What kind of change.
    package var kind: Kind
    /// The resource it changes.
    package var resourceID: String
    /// When it falls due.
    package var due: Date

    /// Describes a transition.
    package init(kind: Kind, resourceID: String, due: Date) {
        self.kind = kind
        self.resourceID = resourceID
        self.due = due
    }
}
