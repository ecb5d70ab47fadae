import Foundation

/// A type that can be written by a ``WireWriter``: the scalars of the AWS models and every
/// generated shape.
public protocol WireEncodable: Sendable {
    /// Writes the value's content; the writer has already opened the member that holds it.
    func encode<Writer: WireWriter>(to writer: Writer)
}

extension String: WireEncodable {
    public func encode<Writer: WireWriter>(to writer: Writer) { writer.text(self) }
}

extension Int: WireEncodable {
    public func encode<Writer: WireWriter>(to writer: Writer) { writer.number(String(self)) }
}

extension Double: WireEncodable {
    public func encode<Writer: WireWriter>(to writer: Writer) { writer.number(String(self)) }
}

extension Bool: WireEncodable {
    public func encode<Writer: WireWriter>(to writer: Writer) { writer.boolean(self) }
}

extension Date: WireEncodable {
    public func encode<Writer: WireWriter>(to writer: Writer) { writer.timestamp(self) }
}
