/// Rules as Authorize and Revoke calls give them: one protocol and port range with any number
/// of peers (AWS's `IpPermission`), or the older flat form, which is one permission.
public struct SecurityGroupPermission: Sendable, Equatable {
    /// A group named as a peer: by id, or by name in the caller's VPC.
    public struct GroupPeer: Sendable, Equatable {
        public var groupID: String?
        public var groupName: String?
        public var userID: String?
        public var description: String?

        public init(groupID: String?, groupName: String?, userID: String?, description: String?) {
            self.groupID = groupID
            self.groupName = groupName
            self.userID = userID
            self.description = description
        }
    }

    /// An address range or prefix list named as a peer.
    public struct RangePeer: Sendable, Equatable {
        public var value: String
        public var description: String?

        public init(value: String, description: String?) {
            self.value = value
            self.description = description
        }
    }

    public var ipProtocol: String?
    public var fromPort: Int?
    public var toPort: Int?
    public var ipv4Ranges: [RangePeer]
    public var ipv6Ranges: [RangePeer]
    public var groups: [GroupPeer]
    public var prefixLists: [RangePeer]

    public init(
        ipProtocol: String?, fromPort: Int?, toPort: Int?, ipv4Ranges: [RangePeer] = [], ipv6Ranges: [RangePeer] = [], groups: [GroupPeer] = [],
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
                throw CloudError.invalidParameterValue("Invalid \(ipProtocol.uppercased()) port range: from \(fromPort) to \(toPort). Ports are 0 to 65535, the first at most the last.")
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
