extension AutoScalingGroup {
    /// Where a member is in its life in the group; the raw values are AWS's.
    package enum LifecycleState: String, Sendable, Codable, CaseIterable {
        case pending = "Pending"
        case inService = "InService"
        case standby = "Standby"
        case terminating = "Terminating"
    }

    /// Whether the group counts a member as healthy; the raw values are AWS's.
    package enum HealthStatus: String, Sendable, Codable, CaseIterable {
        case healthy = "Healthy"
        case unhealthy = "Unhealthy"
    }

    /// How a scaling activity ended; the raw values are AWS's.
    package enum ActivityStatus: String, Sendable, Codable, CaseIterable {
        case successful = "Successful"
        case failed = "Failed"
    }

    /// Where an instance refresh is; the raw values are AWS's.
    package enum RefreshStatus: String, Sendable, Codable, CaseIterable {
        case pending = "Pending"
        case inProgress = "InProgress"
        case successful = "Successful"
        case cancelled = "Cancelled"
        case failed = "Failed"
    }
}
