/// An instance's network as its machine sees it: the address DHCP gives the guest, the
/// subnet's router and the VPC's DNS address, and the TCP ports the host may reach.
///
/// The host reaches a guest only where the instance's security groups let it: an ingress
/// rule for TCP (or all traffic) from an IPv4 range that holds ``hostAddress`` opens its
/// ports, forwarded from the instance's public address, a loopback address.
package struct MachineNetwork: Sendable, Equatable {
    /// The address clients on the host connect from, which a rule's range must hold.
    package static let hostAddress = "127.0.0.1"
    /// The most ports a rule opens one by one; a wider rule opens only ``wellKnownPorts`` within it.
    package static let widestForwardedRange = 64
    /// The ports a wide rule (all traffic, or a range wider than ``widestForwardedRange``) opens.
    package static let wellKnownPorts = [22, 80, 443, 3389, 5985, 5986, 8080, 8443]

    package var privateAddress: String
    package var macAddress: String
    /// The subnet's router: its first address after the network's.
    package var router: String
    /// The VPC's DNS server: its network address plus two.
    package var dns: String
    /// The loopback address the open ports are forwarded from, when the instance has a public address.
    package var publicAddress: String?
    /// The TCP ports open to the host, in increasing order.
    package var openPorts: [Int]

    /// The TCP ports `groups`' ingress rules open to the host.
    static func openPorts(of groups: [SecurityGroup]) -> [Int] {
        guard let host = IPv4CIDR.parseAddress(hostAddress) else { return [] }
        var ports = Set<Int>()
        for rule in groups.flatMap(\.ingress) where ["tcp", "6", "-1"].contains(rule.ipProtocol) {
            guard case .ipv4(let text) = rule.peer, let range = IPv4CIDR(text), range.contains(host) else { continue }
            let from = rule.ipProtocol == "-1" ? 0 : rule.fromPort ?? 0
            let to = rule.ipProtocol == "-1" ? 65_535 : rule.toPort ?? from
            guard from <= to, from >= 0 else { continue }
            if to - from < widestForwardedRange {
                ports.formUnion(max(from, 1)...max(to, 1))
            } else {
                ports.formUnion(wellKnownPorts.filter { (from...to).contains($0) })
            }
        }
        return ports.sorted()
    }
}
