import KilnCore
import KilnWire

/// The operations one front answers, each with the handler that turns its typed input into
/// its typed output by calling the domain.
///
/// ```swift
/// var table = OperationTable()
/// table.on(EC2.DescribeRegions.self) { input, caller in … }
/// ```
package struct OperationTable: Sendable {
    /// Reads the input, calls the domain, returns the output to encode.
    package typealias Handler = @Sendable (WireReader, Caller) async throws -> any WireStructureEncodable
    /// Checks a request before its body is read, from its URI labels (REST services): throws
    /// the error to answer when the resource it names cannot take it.
    package typealias Admission = @Sendable ([String: String], Caller) async throws -> Void

    /// The most body bytes an operation accepts unless it says otherwise.
    package static let defaultBodyLimit = 1 << 20

    /// An operation registered with its HTTP binding, for REST routing.
    package struct Entry: Sendable {
        /// The operation's name.
        package var name: String
        /// Its HTTP binding.
        package var http: HTTPBinding
        /// Its handler.
        package var handler: Handler
        /// The most body bytes it accepts.
        package var bodyLimit = OperationTable.defaultBodyLimit
        /// Its check before the body is read, if it has one.
        package var admission: Admission?
    }

    /// The operations by name.
    package private(set) var entries: [String: Entry] = [:]

    /// An empty table.
    package init() {}

    /// Registers `body` as the handler of `operation`.
    package mutating func on<Operation: WireOperation>(
        _ operation: Operation.Type,
        _ body: @escaping @Sendable (Operation.Input, Caller) async throws -> Operation.Output
    ) {
        entries[Operation.name] = Entry(name: Operation.name, http: Operation.http) { reader, caller in
            try await body(Operation.Input(wire: reader), caller)
        }
    }

    /// Registers `body` as the handler of `operation`, which accepts bodies of at most
    /// `bodyLimit` bytes and whose requests `admission` checks before their body is read.
    package mutating func on<Operation: WireOperation>(
        _ operation: Operation.Type,
        bodyLimit: Int,
        admission: @escaping Admission,
        _ body: @escaping @Sendable (Operation.Input, Caller) async throws -> Operation.Output
    ) {
        on(operation, body)
        entries[Operation.name]?.bodyLimit = bodyLimit
        entries[Operation.name]?.admission = admission
    }

    /// The entry for an operation name.
    package subscript(name: String) -> Entry? { entries[name] }
}
