import Foundation

/// Checks IPv6 ranges in CIDR notation (`2001:db8::/32`), as security group rules carry them.
package enum IPv6CIDR {
    /// Whether `text` is an IPv6 address with a prefix length from 0 to 128.
    package static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let length = Int(parts[1]), (0...128).contains(length), parts[1].count <= 3 else { return false }
        return groupCount(String(parts[0])) != nil
    }

    /// How many 16-bit groups an address spells out, if it is well formed (`::` stands for
    /// at least one group of zeros).
    static func groupCount(_ address: String) -> Int? {
        let halves = address.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        var groups = 0
        for half in halves where !half.isEmpty {
            for group in half.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(group.count), group.allSatisfy(\.isHexDigit) else { return nil }
                groups += 1
            }
        }
        if halves.count == 2 { return groups <= 7 ? groups : nil }
        return groups == 8 ? groups : nil
    }
}
