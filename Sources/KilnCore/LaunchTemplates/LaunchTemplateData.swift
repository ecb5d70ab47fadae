/// The launch parameters a launch template version holds, and that RunInstances takes.
///
/// Every member is optional: a template may leave anything to the RunInstances call, and a
/// RunInstances call overrides what its template says.
public struct LaunchTemplateData: Sendable, Codable, Equatable {
    /// An image id, or `resolve:ssm:NAME` for the image an SSM parameter names at launch.
    public var imageID: String?
    public var instanceType: String?
    public var keyName: String?
    /// Base64 text.
    public var userData: String?
    public var availabilityZone: String?
    public var mappings: [ImageRegistration.Mapping]?
    /// Tags for the instances and volumes launched, by resource type (`instance`, `volume`).
    public var tags: [String: [Tag]]?
    public var disableApiTermination: Bool?
    public var disableApiStop: Bool?
    /// `stop` or `terminate`.
    public var shutdownBehavior: String?
    public var ebsOptimized: Bool?
    public var securityGroupIDs: [String]?
    /// Security group names, in the default VPC.
    public var securityGroupNames: [String]?
    public var subnetID: String?
    public var privateIPAddress: String?
    public var networkInterfaces: [LaunchNetworkInterface]?
    public var kernelID: String?
    public var ramdiskID: String?

    /// Empty data: nothing specified.
    public init() {}

    /// This data with every member `overrides` specifies taken from it.
    public func overridden(by overrides: LaunchTemplateData) -> LaunchTemplateData {
        var merged = self
        merged.imageID = overrides.imageID ?? imageID
        merged.instanceType = overrides.instanceType ?? instanceType
        merged.keyName = overrides.keyName ?? keyName
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
        return merged
    }
}
