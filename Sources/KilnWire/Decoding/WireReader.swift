/// Where a member of a REST request travels; the other protocols carry everything in the body.
public enum WireLocation: Sendable {
    /// The body: form fields, or members of the JSON object.
    case body
    /// A label of the request URI, such as `{snapshotId}`.
    case uri
    /// A query-string parameter.
    case querystring
    /// An HTTP header; names are matched without regard to case.
    case header
    /// The whole body, as raw bytes.
    case payload
}

/// Reads the members of one structure out of a ``WireNode`` tree.
///
/// Generated shapes call it once per member with the member's wire name, which the generator
/// has already worked out for the service's protocol, so the reader itself knows nothing of
/// EC2's or Auto Scaling's naming rules.
public struct WireReader: Sendable {
    /// The structure's members, by wire name.
    let members: [String: WireNode]
    /// The structure's own position in the request (`Filter.1`), empty at the top.
    let path: String
    /// A REST request's other locations, keyed as ``RESTRequestParts`` lays them out.
    let rest: RESTRequestParts?

    /// A reader over the members of a structure.
    public init(members: [String: WireNode], path: String = "", rest: RESTRequestParts? = nil) {
        self.members = members
        self.path = path
        self.rest = rest
    }

    /// The position of member `name`, as the client sent it.
    func path(of name: String) -> String {
        path.isEmpty ? name : "\(path).\(name)"
    }

    func node(_ name: String, in location: WireLocation) -> WireNode? {
        switch location {
        case .body: return members[name]
        case .uri: return rest?.labels[name].map(WireNode.string)
        case .querystring: return rest?.query[name].map(WireNode.string)
        case .header: return rest?.headers[name.lowercased()].map(WireNode.string)
        case .payload: return rest?.payload.map(WireNode.bytes)
        }
    }

    /// A scalar, enumeration or structure member; `nil` when absent.
    public func value<Value: WireDecodable>(_ name: String, in location: WireLocation = .body) throws -> Value? {
        guard let node = node(name, in: location), node != .null else { return nil }
        return try Value(wireNode: node, path: path(of: name))
    }

    /// A list member; `nil` when absent.
    ///
    /// - Parameter member: the name that wraps each entry (`member` in AWS query), or `nil`
    ///   where entries are numbered directly under the list's own name (EC2: `Filter.1`).
    public func list<Element: WireDecodable>(_ name: String, member: String? = nil, in location: WireLocation = .body) throws
        -> [Element]?
    {
        if location == .querystring, let values = rest?.queryValues[name] {
            return try values.enumerated().map { index, value in try Element(wireNode: .string(value), path: "\(path(of: name)).\(index + 1)") }
        }
        guard var node = node(name, in: location), node != .null else { return nil }
        var listPath = path(of: name)
        if let member, case .object(let wrapper) = node, let entries = wrapper[member] {
            node = entries
            listPath += ".\(member)"
        }
        switch node {
        case .list(let items):
            return try items.enumerated().map { index, item in try Element(wireNode: item, path: "\(listPath).\(index + 1)") }
        case .object(let numbered):
            return try Self.numberedEntries(numbered, path: listPath).map { index, item in
                try Element(wireNode: item, path: "\(listPath).\(index)")
            }
        case .string(""):
            // AWS query sends an empty list as `Name=`.
            return []
        default:
            throw WireError.invalid(listPath, node.scalarText ?? "", expected: "a list")
        }
    }

    /// A map member; `nil` when absent. JSON maps are objects; query maps are
    /// `Name.entry.N.key` / `Name.entry.N.value` (or flattened without `entry`).
    public func map<Value: WireDecodable>(
        _ name: String,
        entry: String? = nil,
        key keyName: String = "key",
        value valueName: String = "value",
        flattened: Bool = false
    ) throws -> [String: Value]? {
        guard var node = members[name], node != .null else { return nil }
        let mapPath = path(of: name)
        if let entry, !flattened, case .object(let wrapper) = node, let entries = wrapper[entry] {
            node = entries
        }
        guard case .object(let object) = node else {
            throw WireError.invalid(mapPath, node.scalarText ?? "", expected: "a map")
        }
        if entry == nil {
            return try object.mapValues { try Value(wireNode: $0, path: mapPath) }
        }
        var result: [String: Value] = [:]
        for (index, item) in try Self.numberedEntries(object, path: mapPath) {
            guard case .object(let pair) = item, let key = pair[keyName]?.scalarText else {
                throw WireError.missing("\(mapPath).\(index).\(keyName)")
            }
            if let valueNode = pair[valueName] {
                result[key] = try Value(wireNode: valueNode, path: "\(mapPath).\(index).\(valueName)")
            }
        }
        return result
    }

    /// Returns `value`, or throws `MissingParameter` for the member `name` when it is absent.
    public func required<Value>(_ value: Value?, _ name: String) throws -> Value {
        guard let value else { throw WireError.missing(path(of: name)) }
        return value
    }

    /// The entries of a query-protocol list, `"1"`, `"2"`, … in numeric order.
    static func numberedEntries(_ object: [String: WireNode], path: String) throws -> [(Int, WireNode)] {
        var entries: [(Int, WireNode)] = []
        entries.reserveCapacity(object.count)
        for (key, value) in object {
            guard let index = Int(key), index >= 1 else {
                throw WireError.invalid("\(path).\(key)", key, expected: "a list index starting at 1")
            }
            entries.append((index, value))
        }
        entries.sort { $0.0 < $1.0 }
        return entries
    }
}

/// The parts of a REST request that are not its JSON body.
public struct RESTRequestParts: Sendable {
    /// URI labels, by label name (`snapshotId`), percent-decoded.
    public var labels: [String: String]
    /// Query-string parameters, percent-decoded.
    public var query: [String: String]
    /// Every value of each query-string parameter, in order, for list members (`tagKeys=a&tagKeys=b`).
    public var queryValues: [String: [String]]
    /// Headers, by lower-cased name.
    public var headers: [String: String]
    /// The raw body, for operations whose input has a blob payload.
    public var payload: [UInt8]?

    /// Gathers a REST request's parts.
    public init(
        labels: [String: String],
        query: [String: String],
        queryValues: [String: [String]] = [:],
        headers: [String: String],
        payload: [UInt8]?
    ) {
        self.labels = labels
        self.query = query
        self.queryValues = queryValues
        self.headers = headers
        self.payload = payload
    }
}
