import Foundation

/// Parses a JSON body (JSON 1.1 and REST-JSON) into a ``WireNode`` tree.
public enum JSONInput {
    /// Parses `bytes`; an empty body is an empty object, as the AWS JSON protocols allow.
    public static func parse(_ bytes: [UInt8]) throws -> WireNode {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            return .object([:])
        }
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(bytes)).node
        } catch {
            throw WireError(.malformedInput, parameter: "", message: "The request body is not valid JSON.")
        }
    }

    /// Decodes any JSON value while keeping booleans and numbers apart.
    private struct JSONValue: Decodable {
        let node: WireNode

        init(from decoder: any Decoder) throws {
            if let container = try? decoder.container(keyedBy: AnyKey.self) {
                var object: [String: WireNode] = [:]
                for key in container.allKeys {
                    object[key.stringValue] = try container.decode(JSONValue.self, forKey: key).node
                }
                node = .object(object)
                return
            }
            if var container = try? decoder.unkeyedContainer() {
                var items: [WireNode] = []
                while !container.isAtEnd {
                    items.append(try container.decode(JSONValue.self).node)
                }
                node = .list(items)
                return
            }
            let single = try decoder.singleValueContainer()
            if single.decodeNil() {
                node = .null
            } else if let value = try? single.decode(Bool.self) {
                node = .bool(value)
            } else if let value = try? single.decode(Int64.self) {
                node = .number(String(value))
            } else if let value = try? single.decode(Double.self) {
                node = .number(String(value))
            } else {
                node = .string(try single.decode(String.self))
            }
        }
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
