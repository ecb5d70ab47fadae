/// One answer of DescribeInstanceTypeOfferings: a type offered in a region or zone.
package struct InstanceTypeOffering: Sendable, Equatable {
    package var instanceType: String
    /// The region's name, the zone's name or the zone's id.
    package var location: String
    /// `region`, `availability-zone` or `availability-zone-id`.
    package var locationType: String
}
