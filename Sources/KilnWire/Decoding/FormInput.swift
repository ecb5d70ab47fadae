/// The form-encoded input of the query protocols (EC2, Auto Scaling, STS).
///
/// `Action=DescribeImages&Filter.1.Name=name&Filter.1.Value.1=a%2A` becomes the parameters
/// `["Action": "DescribeImages", "Filter.1.Name": "name", "Filter.1.Value.1": "a*"]`, and
/// ``tree`` nests the dotted keys into objects: `Filter` → `1` → `Value` → `1`.
public struct FormInput: Sendable {
    /// Every parameter, percent-decoded, `+` read as a space. A key sent twice keeps its last value.
    public private(set) var parameters: [String: String]

    /// Parses an `application/x-www-form-urlencoded` body or query string. It takes a concrete
    /// array (not any collection) so that this per-request work is compiled for it.
    public init(_ encoded: [UInt8]) {
        var parameters: [String: String] = [:]
        for pair in encoded.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            let key = Self.decode(pair[pair.startIndex..<(equals ?? pair.endIndex)])
            let value = equals.map { Self.decode(pair[pair.index(after: $0)...]) } ?? ""
            parameters[key] = value
        }
        self.parameters = parameters
    }

    /// Adds the parameters of `other`, which win over ours (a body over the query string).
    public mutating func merge(_ other: FormInput) {
        parameters.merge(other.parameters) { _, new in new }
    }

    /// The parameters as a tree; `Action` and `Version` are left in, shapes ignore them.
    public var tree: WireNode {
        var root: [String: WireNode] = [:]
        for (key, value) in parameters {
            Self.insert(value, at: key.split(separator: ".", omittingEmptySubsequences: false)[...], into: &root)
        }
        return .object(root)
    }

    private static func insert(_ value: String, at path: ArraySlice<Substring>, into object: inout [String: WireNode]) {
        guard let head = path.first else { return }
        let key = String(head)
        let rest = path.dropFirst()
        if rest.isEmpty {
            // A scalar never replaces a structure sent under the same name (`A=1&A.B=2`).
            if case .object = object[key] { return }
            object[key] = .string(value)
            return
        }
        var child: [String: WireNode]
        if case .object(let existing) = object[key] {
            child = existing
        } else {
            child = [:]
        }
        object[key] = .null  // drop our reference so `child` is uniquely owned while it grows
        insert(value, at: rest, into: &child)
        object[key] = .object(child)
    }

    /// Percent-decodes one key or value, reading `+` as a space unless `plusAsSpace` is false.
    /// Malformed escapes are kept as written.
    public static func decode(_ bytes: [UInt8], plusAsSpace: Bool = true) -> String {
        decode(bytes[...], plusAsSpace: plusAsSpace)
    }

    /// Percent-decodes a slice; see ``decode(_:plusAsSpace:)``.
    public static func decode(_ bytes: ArraySlice<UInt8>, plusAsSpace: Bool = true) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+"), plusAsSpace {
                output.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"),
                let high = bytes.index(index, offsetBy: 1, limitedBy: bytes.endIndex), high != bytes.endIndex,
                let low = bytes.index(high, offsetBy: 1, limitedBy: bytes.endIndex), low != bytes.endIndex,
                let value = hexValue(bytes[high]).flatMap({ h in hexValue(bytes[low]).map { h << 4 | $0 } })
            {
                output.append(value)
                index = low
            } else {
                output.append(byte)
            }
            index = bytes.index(after: index)
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
