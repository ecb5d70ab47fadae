import Foundation

/// A type that can be read from a ``WireNode``: the scalars of the AWS models and every
/// generated shape.
public protocol WireDecodable: Sendable {
    /// Reads a value from `node`; `path` names it as the client sent it, for error messages.
    init(wireNode node: WireNode, path: String) throws
}

/// A generated structure: read member by member through a ``WireReader``.
public protocol WireStructureDecodable: WireDecodable {
    /// Reads the structure's members.
    init(wire reader: WireReader) throws
}

extension WireStructureDecodable {
    public init(wireNode node: WireNode, path: String) throws {
        guard case .object(let members) = node else {
            throw WireError.invalid(path, node.scalarText ?? "", expected: "a structure")
        }
        try self.init(wire: WireReader(members: members, path: path))
    }
}

/// A generated string enumeration: any value is kept, known ones have names.
///
/// AWS adds enumeration values over time, so reading never fails on an unknown one;
/// the domain decides what it accepts.
public protocol WireEnumeration: WireDecodable, WireEncodable, RawRepresentable, Hashable where RawValue == String {
    init(rawValue: String)
}

extension WireEnumeration {
    public init(wireNode node: WireNode, path: String) throws {
        self.init(rawValue: try String(wireNode: node, path: path))
    }

    public func encode<Writer: WireWriter>(to writer: Writer) {
        writer.text(rawValue)
    }
}

extension String: WireDecodable {
    public init(wireNode node: WireNode, path: String) throws {
        guard let text = node.scalarText else {
            throw WireError.invalid(path, "", expected: "a string")
        }
        self = text
    }
}

extension Int: WireDecodable {
    public init(wireNode node: WireNode, path: String) throws {
        let text = node.scalarText ?? ""
        guard let value = Int(text) else {
            throw WireError.invalid(path, text, expected: "an integer")
        }
        self = value
    }
}

extension Double: WireDecodable {
    public init(wireNode node: WireNode, path: String) throws {
        let text = node.scalarText ?? ""
        guard let value = Double(text) else {
            throw WireError.invalid(path, text, expected: "a number")
        }
        self = value
    }
}

extension Bool: WireDecodable {
    public init(wireNode node: WireNode, path: String) throws {
        switch node.scalarText?.lowercased() {
        case "true": self = true
        case "false": self = false
        default: throw WireError.invalid(path, node.scalarText ?? "", expected: "a boolean")
        }
    }
}

extension Date: WireDecodable {
    /// Timestamps arrive as ISO 8601 in forms and as epoch seconds in JSON; both are accepted.
    public init(wireNode node: WireNode, path: String) throws {
        let text = node.scalarText ?? ""
        if let date = Timestamp.parseISO8601(text) ?? Double(text).map({ Date(timeIntervalSince1970: $0) }) {
            self = date
        } else {
            throw WireError.invalid(path, text, expected: "a timestamp such as 2030-01-01T00:00:00Z")
        }
    }
}
