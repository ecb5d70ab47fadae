/// A region as DescribeRegions shows it, with its availability zones.
package struct Region: Sendable, Equatable {
    /// Whether an account may use the region.
    package enum OptInStatus: String, Sendable {
        /// A region every account has.
        case optInNotRequired = "opt-in-not-required"
        /// An opt-in region the account has enabled.
        case optedIn = "opted-in"
        /// A region the account has not enabled: calls to it fail with `AuthFailure`.
        case notOptedIn = "not-opted-in"
    }

    /// The region's name.
    package var name: RegionName
    /// Whether Kiln serves it.
    package var status: OptInStatus
    /// Its availability zones.
    package var zones: [AvailabilityZone]

    /// The EC2 endpoint AWS gives the region.
    package var endpoint: String { "ec2.\(name).amazonaws.com" }

    /// Whether Kiln serves requests for this region.
    package var isEnabled: Bool { status != .notOptedIn }
}

/// An availability zone of a region.
package struct AvailabilityZone: Sendable, Equatable {
    /// `us-east-1a`.
    package var name: String
    /// `use1-az1`: the zone's stable id.
    package var id: String
    /// The region.
    package var region: RegionName

    /// The zone group: for ordinary availability zones, the region's name.
    package var groupName: String { region.rawValue }
    /// The network border group: for ordinary availability zones, the region's name.
    package var networkBorderGroup: String { region.rawValue }
    /// Always `availability-zone` here: Kiln has no Local or Wavelength Zones.
    package var zoneType: String { "availability-zone" }
    /// Always `available`.
    package var state: String { "available" }
}
