/// What CreateAutoScalingGroup and UpdateAutoScalingGroup ask for; `nil` leaves a setting as it is.
package struct AutoScalingGroupSettings: Sendable {
    package var source: AutoScalingGroup.LaunchSource?
    package var minSize: Int?
    package var maxSize: Int?
    package var desiredCapacity: Int?
    package var availabilityZones: [String]?
    package var vpcZoneIdentifier: String?
    package var healthCheckType: String?
    package var healthCheckGracePeriod: Int?
    package var defaultCooldown: Int?
    package var tags: [AutoScalingGroup.GroupTag]?

    /// No setting given.
    package init() {}
}
