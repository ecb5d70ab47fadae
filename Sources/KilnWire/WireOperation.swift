import Foundation

/// How an operation travels over HTTP, as its model says.
public struct HTTPBinding: Sendable {
    /// `POST`, `PUT`, `GET`…
    public var method: String
    /// The URI template, such as `/snapshots/{snapshotId}/blocks/{blockIndex}`; `/` for query protocols.
    public var requestURI: String
    /// The status of a successful answer.
    public var responseCode: Int

    /// Describes an operation's HTTP binding.
    public init(method: String, requestURI: String, responseCode: Int) {
        self.method = method
        self.requestURI = requestURI
        self.responseCode = responseCode
    }
}

/// One operation of an AWS service: its name, its input and output shapes and its HTTP binding.
///
/// The generator writes one of these per operation in `codegen/operations.json`; a front
/// registers a handler for it and the protocol's codec does the rest.
public protocol WireOperation: Sendable {
    /// The request shape.
    associatedtype Input: WireStructureDecodable
    /// The response shape; ``EmptyOutput`` where the model has none.
    associatedtype Output: WireStructureEncodable
    /// The operation's name, as `Action=` or `X-Amz-Target` carries it.
    static var name: String { get }
    /// How it travels over HTTP.
    static var http: HTTPBinding { get }
}

/// The output of an operation whose model defines none.
public struct EmptyOutput: WireStructureEncodable, Sendable {
    /// The empty output.
    public init() {}

    public func encodeMembers<Writer: WireWriter>(to writer: Writer) {}
}

/// The parts of a REST-JSON output that travel outside its JSON body.
public protocol RESTOutput {
    /// Members bound to headers, as (header name, value).
    var restHeaders: [(String, String)] { get }
    /// The raw body, for outputs whose payload is a blob.
    var restPayload: [UInt8]? { get }
}

/// The input of an operation whose model defines none.
public struct EmptyInput: WireStructureDecodable, Sendable, Equatable {
    /// The empty input.
    public init() {}

    public init(wire reader: WireReader) throws {}
}

/// An error shape that a model defines, with the code and HTTP status its protocol sends.
public struct ModeledError: Sendable {
    /// The code clients match on (`ValidationException`, `AlreadyExists`).
    public var code: String
    /// The HTTP status.
    public var status: Int

    /// Describes a modeled error.
    public init(code: String, status: Int) {
        self.code = code
        self.status = status
    }
}

/// The text of a REST header bound to a string member.
public func headerText(_ value: String) -> String { value }
/// The text of a REST header bound to a numeric member.
public func headerText(_ value: Int) -> String { String(value) }
/// The text of a REST header bound to a boolean member.
public func headerText(_ value: Bool) -> String { value ? "true" : "false" }
/// The text of a REST header bound to an enumeration member.
public func headerText<Value: WireEnumeration>(_ value: Value) -> String { value.rawValue }
/// The text of a REST header bound to a timestamp member.
public func headerText(_ value: Date) -> String { Timestamp.iso8601(value) }
