/// The launch parameters a launch template version holds, and that RunInstances takes.
///
/// Every member is optional: a template may leave anything to the RunInstances call, and a
/// RunInstances call overrides what its template says.
package struct LaunchTemplateData: Sendable, Codable, Equatable {
    /// An image id, or `resolve:ssm:NAME` for the image an SSM parameter names at launch.
    package var imageID: String?
    package var instanceType: String?
    package var keyName: String?
    /// The IAM instance profile, by ARN or name.
    package var iamInstanceProfile: InstanceProfileSpecification?
    /// Base64 text.
    package var userData: String?
    package var availabilityZone: String?
    package var mappings: [ImageRegistration.Mapping]?
    /// Tags for the instances and volumes launched, by resource type (`instance`, `volume`).
    package var tags: [String: [Tag]]?
    package var disableApiTermination: Bool?
    package var disableApiStop: Bool?
    /// `stop` or `terminate`.
    package var shutdownBehavior: String?
    package var ebsOptimized: Bool?
    package var securityGroupIDs: [String]?
    /// Security group names, in the default VPC.
    package var securityGroupNames: [String]?
    package var subnetID: String?
    package var privateIPAddress: String?
    package var networkInterfaces: [LaunchNetworkInterface]?
    package var kernelID: String?
    package var ramdiskID: String?
    package var metadataOptions: InstanceMetadataOptionsChange?

    /// Empty data: nothing specified.
    package init() {}

    /// This data with every member `overrides` specifies taken from it.
    package func overridden(by overrides: LaunchTemplateData) -> LaunchTemplateData {
        var merged = self
        merged.imageID = overrides.imageID ?? imageID
        merged.instanceType = overrides.instanceType ?? instanceType
        merged.keyName = overrides.keyName ?? keyName
        merged.iamInstanceProfile = overrides.iamInstanceProfile ?? iamInstanceProfile
        merged.userData = overrides.userData ?? userData
        merged.availabilityZone = overrides.availabilityZone ?? availabilityZone
        merged.mappings = overrides.mappings ?? mappings
        if let extra = overrides.tags {
            var combined = tags ?? [:]
            for (type, tags) in extra { combined[type] = tags }
            merged.tags = combined
        }
        merged.disableApiTermination = overrides.disableApiTermination ?? disableApiTermination
        merged.disableApiStop = overrides.disableApiStop ?? disableApiStop
        merged.shutdownBehavior = overrides.shutdownBehavior ?? shutdownBehavior
        merged.ebsOptimized = overrides.ebsOptimized ?? ebsOptimized
        merged.securityGroupIDs = overrides.securityGroupIDs ?? securityGroupIDs
        merged.securityGroupNames = overrides.securityGroupNames ?? securityGroupNames
        merged.subnetID = overrides.subnetID ?? subnetID
        merged.privateIPAddress = overrides.privateIPAddress ?? privateIPAddress
        merged.networkInterfaces = overrides.networkInterfaces ?? networkInterfaces
        merged.kernelID = overrides.kernelID ?? kernelID
        merged.ramdiskID = overrides.ramdiskID ?? ramdiskID
        merged.metadataOptions = overrides.metadataOptions ?? metadataOptions
        return merged
    }
}
