/// A request's input as a protocol-neutral tree, before it is read into a typed shape.
///
/// Each protocol builds this tree its own way: the query protocols split their dotted form
/// keys (`Filter.1.Value.2`) into nested objects, JSON maps onto it one to one, and REST
/// requests gather their URI labels, query string, headers and body into it. The generated
/// shapes then read every protocol's tree with the same code, through ``WireReader``.
public enum WireNode: Sendable, Equatable {
    /// Text: a form value, a JSON string, a header, a URI label.
    case string(String)
    /// A JSON number, kept as written so that no precision is lost before the shape reads it.
    case number(String)
    /// A JSON boolean.
    case bool(Bool)
    /// A JSON `null`.
    case null
    /// A JSON array.
    case list([WireNode])
    /// A structure, a map, or the numbered entries of a query-protocol list (`"1"`, `"2"`, …).
    case object([String: WireNode])
    /// Raw bytes: a REST payload such as an EBS block.
    case bytes([UInt8])
}

extension WireNode {
    /// The text of a scalar node, as a form would have carried it.
    var scalarText: String? {
        switch self {
        case .string(let text), .number(let text): return text
        case .bool(let value): return value ? "true" : "false"
        case .null, .list, .object, .bytes: return nil
        }
    }
}
