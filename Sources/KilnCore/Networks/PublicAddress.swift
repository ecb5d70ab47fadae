/// A public IPv4 address in use by a network interface.
///
/// Public addresses come from 127.64.0.0/10, a loopback range: they are unique across every
/// account and region of one Kiln, and never reach beyond the host. Kiln itself never
/// contacts them.
struct PublicAddress: StoredResource, Equatable {
    static let kind = ResourcePrefix.publicAddress

    /// The range public addresses are drawn from.
    static let pool = IPv4CIDR(address: 127 << 24 | 64 << 16, prefixLength: 10)

    var id: String
    var owner: AccountID
    var region: RegionName
    var networkInterfaceID: String

    /// The record's id for `address`.
    static func id(_ address: String) -> String { "\(ResourcePrefix.publicAddress.rawValue)-\(address)" }
}
