/// The errors of regions and zones, with AWS's codes and messages.
extension CloudError {
    package static func sourceRegionNotEnabled(_ region: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidParameterValue", "The source region \(region) is not enabled.")
    }

    package static func regionWithoutZones(_ region: some CustomStringConvertible) -> CloudError {
        CloudError("Unsupported", "The region \(region) has no availability zone.")
    }

    package static func unknownRegion(_ name: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidParameterValue", "Invalid region: \(name)")
    }

    package static func unknownZone(_ name: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidParameterValue", "The zone '\(name)' does not exist.")
    }

    package static func unknownZoneID(_ id: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidParameterValue", "The zone ID '\(id)' does not exist.")
    }
}
