/// One rule of a security group: traffic of a protocol and port range, from (ingress) or to
/// (egress) one peer: an IPv4 range, an IPv6 range, another group or a prefix list.
package struct SecurityGroupRule: Sendable, Codable, Equatable {
    /// What a rule lets through to or from.
    package enum Peer: Sendable, Codable, Hashable {
        case ipv4(String)
        case ipv6(String)
        /// A group, by id, with the account that owns it.
        case group(id: String, owner: AccountID)
        case prefixList(String)

        /// How AWS names the peer in its messages.
        var text: String {
            switch self {
            case .ipv4(let cidr), .ipv6(let cidr): return cidr
            case .group(let id, _): return id
            case .prefixList(let id): return id
            }
        }
    }

    /// The rule's id (`sgr-…`).
    package var id: String
    package var isEgress: Bool
    /// `tcp`, `udp`, `icmp`, `icmpv6`, `-1` for all, or another protocol's number.
    package var ipProtocol: String
    /// The first port (or ICMP type); `nil` for protocols without ports.
    package var fromPort: Int?
    /// The last port (or ICMP code).
    package var toPort: Int?
    package var peer: Peer
    package var description: String?

    /// Whether the rule lets through the same traffic as `other`, whatever their ids and descriptions.
    package func matches(_ other: SecurityGroupRule) -> Bool {
        isEgress == other.isEgress && ipProtocol == other.ipProtocol && fromPort == other.fromPort && toPort == other.toPort && peer == other.peer
    }

    /// The rule as AWS's duplicate message quotes it.
    var quoted: String {
        let ports = fromPort.map { from in ", from port: \(from), to port: \(toPort ?? from)" } ?? ""
        return "peer: \(peer.text), \(ipProtocol.uppercased())\(ports), ALLOW"
    }
}
