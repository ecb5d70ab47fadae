/// An EBS volume type, with the size, IOPS and throughput rules AWS documents for it.
package enum VolumeType: String, Sendable, Codable, CaseIterable {
    case gp2, gp3, io1, io2, st1, sc1, standard

    /// Sizes allowed, in GiB.
    package var sizeRange: ClosedRange<Int> {
        switch self {
        case .gp2, .gp3: return 1...16_384
        case .io1: return 4...16_384
        case .io2: return 4...65_536
        case .st1, .sc1: return 125...16_384
        case .standard: return 1...1_024
        }
    }

    /// IOPS that may be provisioned, and the most per GiB; `nil` where IOPS are not provisioned.
    package var provisionedIOPS: (range: ClosedRange<Int>, perGiB: Int)? {
        switch self {
        case .gp3: return (3_000...16_000, 500)
        case .io1: return (100...64_000, 50)
        case .io2: return (100...256_000, 1_000)
        case .gp2, .st1, .sc1, .standard: return nil
        }
    }

    /// Checks a CreateVolume or ModifyVolume request and returns the IOPS and throughput the
    /// volume gets: gp2 earns 3 IOPS per GiB (100 to 16,000), gp3 starts at 3,000 IOPS and 125 MiB/s.
    package func resolvePerformance(size: Int, iops: Int?, throughput: Int?) throws -> (iops: Int?, throughput: Int?) {
        guard sizeRange.contains(size) else {
            throw CloudError.invalidParameterValue(
                "Volume of \(size)GiB is invalid for \(rawValue): size must be between \(sizeRange.lowerBound) and \(sizeRange.upperBound) GiB."
            )
        }
        if throughput != nil, self != .gp3 {
            throw CloudError.throughputOnlyForGP3
        }
        guard let provisioned = provisionedIOPS else {
            if iops != nil {
                throw CloudError.iopsNotSupported(rawValue)
            }
            if self == .gp2 { return (min(16_000, max(100, size * 3)), nil) }
            return (nil, nil)
        }
        guard let requested = iops ?? (self == .gp3 ? 3_000 : nil) else {
            throw CloudError.missingParameter("iops")
        }
        guard provisioned.range.contains(requested) else {
            throw CloudError.invalidParameterValue(
                "Volume iops of \(requested) is invalid for \(rawValue): iops must be between \(provisioned.range.lowerBound) and \(provisioned.range.upperBound)."
            )
        }
        if requested > size * provisioned.perGiB, !(self == .gp3 && requested == 3_000) {
            throw CloudError.invalidParameterValue(
                "Iops to volume size ratio of \(requested / max(size, 1)) is too high; maximum is \(provisioned.perGiB)."
            )
        }
        guard self == .gp3 else { return (requested, nil) }
        let mebibytes = throughput ?? 125
        guard (125...1_000).contains(mebibytes) else {
            throw CloudError.invalidParameterValue("Throughput of \(mebibytes)MiB/s is invalid: it must be between 125 and 1000 MiB/s.")
        }
        if mebibytes > 125, Double(mebibytes) > Double(requested) * 0.25 {
            throw CloudError.invalidParameterValue(
                "Throughput (MiBps) to iops ratio of \(Double(mebibytes) / Double(requested)) is too high; maximum is 0.25 MiBps per iops."
            )
        }
        return (requested, mebibytes)
    }
}
