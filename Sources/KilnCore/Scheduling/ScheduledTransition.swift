import Foundation

/// A change of state that falls due later: a volume becoming `available`, a snapshot `completed`.
///
/// Transitions are stored with the resources they change, so a restart carries them out.
public struct ScheduledTransition: Sendable, Equatable, Codable {
    /// What kind of change; each kind has one handler.
    public struct Kind: RawRepresentable, Sendable, Hashable, Codable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
    }

    /// What kind of change.
    public var kind: Kind
    /// The resource it changes.
    public var resourceID: String
    /// When it falls due.
    public var due: Date

    /// Describes a transition.
    public init(kind: Kind, resourceID: String, due: Date) {
        self.kind = kind
        self.resourceID = resourceID
        self.due = due
    }
}
