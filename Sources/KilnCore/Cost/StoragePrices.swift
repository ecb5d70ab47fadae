/// AWS's list prices for EBS storage in us-east-1, in USD per GB-month, which the cost report
/// applies to every region.
package enum StoragePrices {
    /// Snapshots in the standard tier, billed for the blocks that differ from their parent.
    package static let standardSnapshot = 0.05
    /// Snapshots in the archive tier, billed for their full size.
    package static let archiveSnapshot = 0.0125

    /// Provisioned volume storage, by type.
    package static func volume(_ type: VolumeType) -> Double {
        switch type {
        case .gp3: 0.08
        case .gp2: 0.10
        case .io1, .io2: 0.125
        case .st1: 0.045
        case .sc1: 0.015
        case .standard: 0.05
        }
    }

    /// The monthly price of `bytes` of snapshot data at `pricePerGB`.
    package static func monthly(_ bytes: Int64, at pricePerGB: Double) -> Double {
        Double(bytes) / 1e9 * pricePerGB
    }
}
