/// An IPv4 address range in CIDR notation (`172.31.0.0/16`): a base address and a prefix length.
///
/// ``init(_:)`` accepts any address with any prefix from 0 to 32, as `10.0.0.7/24`; whether
/// the address is the range's first (``isAligned``) is for the caller to require, since AWS
/// refuses unaligned ranges for VPCs, subnets and rules with different codes.
///
/// ```swift
/// let vpc = IPv4CIDR("172.31.0.0/16")!
/// vpc.contains(IPv4CIDR("172.31.16.0/20")!)   // true
/// vpc.address(at: 4)                          // "172.31.0.4"
/// ```
package struct IPv4CIDR: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The address as written, as a 32-bit number.
    package let address: UInt32
    /// How many leading bits are fixed: 0 to 32.
    package let prefixLength: Int

    /// Parses `a.b.c.d/n`; `nil` for anything else.
    package init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = Self.parseAddress(String(parts[0])),
            parts[1].count <= 2, parts[1].allSatisfy(\.isASCII), let length = Int(parts[1]), (0...32).contains(length)
        else { return nil }
        self.address = address
        self.prefixLength = length
    }

    /// The range of `prefixLength` bits starting at `address`.
    package init(address: UInt32, prefixLength: Int) {
        self.address = address
        self.prefixLength = prefixLength
    }

    /// Parses a dotted quad (`10.0.0.1`): four decimal numbers from 0 to 255, without leading zeros.
    package static func parseAddress(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var value: UInt32 = 0
        for octet in octets {
            guard (1...3).contains(octet.count), octet.allSatisfy({ $0.isASCII && $0.isNumber }),
                octet.count == 1 || octet.first != "0", let number = UInt32(octet), number <= 255
            else { return nil }
            value = value << 8 | number
        }
        return value
    }

    /// A 32-bit address in dotted-quad form.
    package static func format(_ address: UInt32) -> String {
        "\(address >> 24).\(address >> 16 & 0xff).\(address >> 8 & 0xff).\(address & 0xff)"
    }

    /// The bits the prefix fixes.
    package var mask: UInt32 { prefixLength == 0 ? 0 : UInt32.max << UInt32(32 - prefixLength) }
    /// The range's first address.
    package var network: UInt32 { address & mask }
    /// The range's last address.
    package var last: UInt32 { network | ~mask }
    /// How many addresses the range holds.
    package var size: UInt64 { UInt64(1) << UInt64(32 - prefixLength) }
    /// Whether the written address is the range's first, as AWS requires of VPCs, subnets and rules.
    package var isAligned: Bool { address == network }
    /// The range written from its first address.
    package var normalized: IPv4CIDR { IPv4CIDR(address: network, prefixLength: prefixLength) }

    /// Whether `address` falls in the range.
    package func contains(_ address: UInt32) -> Bool { address & mask == network }
    /// Whether every address of `other` falls in the range.
    package func contains(_ other: IPv4CIDR) -> Bool { other.prefixLength >= prefixLength && contains(other.network) }
    /// Whether the two ranges share any address.
    package func overlaps(_ other: IPv4CIDR) -> Bool { contains(other.network) || other.contains(network) }

    /// The address `offset` places after the first, in dotted-quad form.
    package func address(at offset: Int) -> String { Self.format(network &+ UInt32(truncatingIfNeeded: offset)) }
    /// How far `address` lies after the range's first address, if it is in the range.
    package func offset(of address: String) -> Int? {
        guard let value = Self.parseAddress(address), contains(value) else { return nil }
        return Int(value - network)
    }

    package var description: String { "\(Self.format(address))/\(prefixLength)" }

    package init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let cidr = IPv4CIDR(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a CIDR: \(text)"))
        }
        self = cidr
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
