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

    /// An operation registered with its HTTP binding, for REST routing.
    package struct Entry: Sendable {
        /// The operation's name.
        package var name: String
        /// Its HTTP binding.
        package var http: HTTPBinding
        /// Its handler.
        package var handler: Handler
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

    /// The entry for an operation name.
    package subscript(name: String) -> Entry? { entries[name] }
}
