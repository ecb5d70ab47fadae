import Foundation

/// A range of a VPC's addresses in one zone, from which instances get their private addresses.
///
/// As on AWS, the first four addresses and the last of each subnet are reserved; the others
/// are handed out one per network interface and come back when the interface is deleted.
package struct Subnet: StoredResource, Equatable {
    package static let kind = ResourcePrefix.subnet

    package var id: String
    package var owner: AccountID
    package var region: RegionName
    package var vpcID: String
    package var cidr: IPv4CIDR
    package var availabilityZone: String
    package var availabilityZoneID: String
    /// Whether this is the default VPC's subnet for its zone.
    package var defaultForZone: Bool
    /// Whether instances launched here get a public address unless the launch says otherwise.
    package var mapPublicIpOnLaunch: Bool
    /// The offsets (from the first address) of the addresses in use, in increasing order.
    package var usedOffsets: [Int]
    package var createTime: Date

    /// The addresses AWS keeps for itself in every subnet: the first four and the last.
    static let reservedCount = 5

    /// The first offset an interface may use.
    static let firstUsableOffset = 4

    /// The offsets interfaces may use.
    var usableOffsets: ClosedRange<Int> { Self.firstUsableOffset...(Int(cidr.size) - 2) }

    /// How many addresses are still free.
    package var availableAddressCount: Int { Int(cidr.size) - Self.reservedCount - usedOffsets.count }

    /// The subnet's ARN.
    package var arn: String { "arn:aws:ec2:\(region):\(owner):subnet/\(id)" }

    /// Takes the lowest free address, or `requested` when it is free; the address taken.
    mutating func allocate(_ requested: String?) throws -> String {
        let offset: Int
        if let requested {
            guard let wanted = cidr.offset(of: requested), usableOffsets.contains(wanted) else {
                throw CloudError.addressOutsideSubnet(requested, subnetID: id)
            }
            guard !usedOffsets.contains(wanted) else { throw CloudError.addressInUse(requested) }
            offset = wanted
        } else {
            var candidate = Self.firstUsableOffset
            for used in usedOffsets {
                if used > candidate { break }
                if used == candidate { candidate += 1 }
            }
            guard usableOffsets.contains(candidate) else { throw CloudError.insufficientFreeAddresses(id) }
            offset = candidate
        }
        let position = usedOffsets.firstIndex { $0 > offset } ?? usedOffsets.endIndex
        usedOffsets.insert(offset, at: position)
        return cidr.address(at: offset)
    }

    /// Gives an address back.
    mutating func release(_ address: String) {
        guard let offset = cidr.offset(of: address) else { return }
        usedOffsets.removeAll { $0 == offset }
    }
}
