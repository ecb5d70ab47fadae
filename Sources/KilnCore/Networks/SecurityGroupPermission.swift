/// Rules as Authorize and Revoke calls give them: one protocol and port range with any number
/// of peers (AWS's `IpPermission`), or the older flat form, which is one permission.
package struct SecurityGroupPermission: Sendable, Equatable {
    /// A group named as a peer: by id, or by name in the caller's VPC.
    package struct GroupPeer: Sendable, Equatable {
        package var groupID: String?
        package var groupName: String?
        package var userID: String?
        package var description: String?

        package init(groupID: String?, groupName: String?, userID: String?, description: String?) {
            self.groupID = groupID
            self.groupName = groupName
            self.userID = userID
            self.description = description
        }
    }

    /// An address range or prefix list named as a peer.
    package struct RangePeer: Sendable, Equatable {
        package var value: String
        package var description: String?

        package init(value: String, description: String?) {
            self.value = value
            self.description = description
        }
    }

    package var ipProtocol: String?
    package var fromPort: Int?
    package var toPort: Int?
    package var ipv4Ranges: [RangePeer]
    package var ipv6Ranges: [RangePeer]
    package var groups: [GroupPeer]
    package var prefixLists: [RangePeer]

    package init(
        ipProtocol: String?,
        fromPort: Int?,
        toPort: Int?,
        ipv4Ranges: [RangePeer] = [],
        ipv6Ranges: [RangePeer] = [],
        groups: [GroupPeer] = [],
        prefixLists: [RangePeer] = []
    ) {
        self.ipProtocol = ipProtocol
        self.fromPort = fromPort
        self.toPort = toPort
        self.ipv4Ranges = ipv4Ranges
        self.ipv6Ranges = ipv6Ranges
        self.groups = groups
        self.prefixLists = prefixLists
    }

    /// The protocol as AWS keeps it: `tcp`, `udp`, `icmp`, `icmpv6`, `-1`, or a number for the others.
    static func normalizedProtocol(_ text: String?) throws -> String {
        guard let text, !text.isEmpty else { throw CloudError.missingParameter("IpProtocol") }
        switch text.lowercased() {
        case "tcp", "6": return "tcp"
        case "udp", "17": return "udp"
        case "icmp", "1": return "icmp"
        case "icmpv6", "58": return "icmpv6"
        case "-1", "all": return "-1"
        default:
            guard let number = Int(text), (0...255).contains(number) else {
                throw CloudError.invalidParameterValue("Invalid value '\(text)' for IP protocol. Unknown protocol.")
            }
            return String(number)
        }
    }

    /// The protocol and ports of the permission, checked as AWS checks them.
    func protocolAndPorts() throws -> (ipProtocol: String, fromPort: Int?, toPort: Int?) {
        let ipProtocol = try Self.normalizedProtocol(ipProtocol)
        switch ipProtocol {
        case "tcp", "udp":
            guard let fromPort, let toPort else {
                throw CloudError.invalidParameterValue("Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange")
            }
            guard (0...65535).contains(fromPort), (0...65535).contains(toPort), fromPort <= toPort else {
                throw CloudError.invalidParameterValue(
                    "Invalid \(ipProtocol.uppercased()) port range: from \(fromPort) to \(toPort). Ports are 0 to 65535, the first at most the last."
                )
            }
            return (ipProtocol, fromPort, toPort)
        case "icmp", "icmpv6":
            let type = fromPort ?? -1
            let code = toPort ?? -1
            guard (-1...255).contains(type), (-1...255).contains(code) else {
                throw CloudError.invalidParameterValue("Invalid ICMP type \(type) or code \(code): each is -1 (all) or 0 to 255.")
            }
            return (ipProtocol, type, code)
        default:
            return (ipProtocol, nil, nil)
        }
    }
}
