/// A region as DescribeRegions shows it, with its availability zones.
public struct Region: Sendable, Equatable {
    /// Whether an account may use the region.
    public enum OptInStatus: String, Sendable {
        /// A region every account has.
        case optInNotRequired = "opt-in-not-required"
        /// An opt-in region the account has enabled.
        case optedIn = "opted-in"
        /// A region the account has not enabled: calls to it fail with `AuthFailure`.
        case notOptedIn = "not-opted-in"
    }

    /// The region's name.
    public var name: RegionName
    /// Whether Kiln serves it.
    public var status: OptInStatus
    /// Its availability zones.
    public var zones: [AvailabilityZone]

    /// The EC2 endpoint AWS gives the region.
    public var endpoint: String { "ec2.\(name).amazonaws.com" }

    /// Whether Kiln serves requests for this region.
    public var isEnabled: Bool { status != .notOptedIn }
}

/// An availability zone of a region.
public struct AvailabilityZone: Sendable, Equatable {
    /// `us-east-1a`.
    public var name: String
    /// `use1-az1`: the zone's stable id.
    public var id: String
    /// The region.
    public var region: RegionName

    /// The zone group: for ordinary availability zones, the region's name.
    public var groupName: String { region.rawValue }
    /// The network border group: for ordinary availability zones, the region's name.
    public var networkBorderGroup: String { region.rawValue }
    /// Always `availability-zone` here: Kiln has no Local or Wavelength Zones.
    public var zoneType: String { "availability-zone" }
    /// Always `available`.
    public var state: String { "available" }
}
