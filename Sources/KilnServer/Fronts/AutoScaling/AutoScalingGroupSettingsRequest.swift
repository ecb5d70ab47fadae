import KilnWire

/// What CreateAutoScalingGroup and UpdateAutoScalingGroup take alike: a group's launch source,
/// sizes, zones and health checks. Create requires the sizes, Update may leave any out.
protocol AutoScalingGroupSettingsRequest {
    var launchTemplate: AutoScaling.LaunchTemplateSpecification? { get }
    var launchConfigurationName: String? { get }
    var minimumSize: Int? { get }
    var maximumSize: Int? { get }
    var desiredCapacity: Int? { get }
    var availabilityZones: [String]? { get }
    var vpcZoneIdentifier: String? { get }
    var healthCheckType: String? { get }
    var healthCheckGracePeriod: Int? { get }
    var defaultCooldown: Int? { get }
}

extension AutoScaling.CreateAutoScalingGroupType: AutoScalingGroupSettingsRequest {
    var minimumSize: Int? { minSize }
    var maximumSize: Int? { maxSize }
}

extension AutoScaling.UpdateAutoScalingGroupType: AutoScalingGroupSettingsRequest {
    var minimumSize: Int? { minSize }
    var maximumSize: Int? { maxSize }
}
