import Foundation

/// A Recycle Bin retention rule: which deleted snapshots or deregistered images of its
/// region are kept, and for how long.
///
/// A rule with resource tags keeps resources carrying any of them; a rule without is a
/// region-level rule that keeps every resource of its type except those carrying one of its
/// exclusion tags. A locked rule cannot be changed or deleted until an unlock has waited out
/// its unlock delay.
package struct RecycleBinRule: StoredResource, Equatable {
    package static let kind = ResourcePrefix.recycleBinRule

    /// The kinds of resource a rule covers.
    package enum ResourceType: String, Sendable, Codable {
        case snapshot = "EBS_SNAPSHOT"
        case image = "EC2_IMAGE"
    }

    /// Whether a rule can be changed.
    package enum LockState: String, Sendable, Codable {
        case locked
        case pendingUnlock = "pending_unlock"
        case unlocked
    }

    /// A tag a rule selects or excludes by; no value matches any value.
    package struct ResourceTag: Sendable, Codable, Equatable {
        package var key: String
        package var value: String?

        package init(key: String, value: String?) {
            self.key = key
            self.value = value
        }

        /// Whether `tags` hold this one.
        package func isCarried(by tags: [Tag]) -> Bool {
            tags.contains { $0.key == key && (value == nil || $0.value == value) }
        }
    }

    /// The rule's identifier: 11 letters and digits.
    package var id: String
    package var owner: AccountID
    package var region: RegionName
    package var resourceType: ResourceType
    package var retentionDays: Int
    package var description: String?
    package var resourceTags: [ResourceTag]
    package var excludeResourceTags: [ResourceTag]
    /// The unlock delay in days, once the rule has been locked.
    package var unlockDelayDays: Int?
    package var lockState: LockState?
    /// When a pending unlock completes.
    package var lockEndTime: Date?

    /// The rule's ARN.
    package var arn: String { "arn:aws:rbin:\(region.rawValue):\(owner.rawValue):rule/\(id)" }

    /// The lock state at `now`: a pending unlock whose delay has passed is unlocked.
    package func lockState(at now: Date) -> LockState? {
        if lockState == .pendingUnlock, let end = lockEndTime, end <= now { return .unlocked }
        return lockState
    }

    /// Whether the rule may not be changed or deleted at `now`.
    package func isLocked(at now: Date) -> Bool {
        let state = lockState(at: now)
        return state == .locked || state == .pendingUnlock
    }

    /// Whether the rule keeps a resource carrying `tags`.
    package func retains(_ tags: [Tag]) -> Bool {
        if !resourceTags.isEmpty { return resourceTags.contains { $0.isCarried(by: tags) } }
        return !excludeResourceTags.contains { $0.isCarried(by: tags) }
    }
}
