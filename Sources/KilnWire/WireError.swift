/// A request that the wire layer could not read into its typed shape.
///
/// The fronts turn these into each protocol's own error: EC2 and AWS query answer
/// `MissingParameter` or `InvalidParameterValue`, JSON and REST services answer
/// a `ValidationException`.
public struct WireError: Error, Sendable, Equatable {
    /// What went wrong, in the terms AWS uses for it.
    public enum Kind: Sendable, Equatable {
        /// A member the model marks as required is absent.
        case missingParameter
        /// A member is present but its text is not of the member's type.
        case invalidParameterValue
        /// The body is not well-formed for its protocol (bad JSON, say).
        case malformedInput
    }

    /// What went wrong.
    public var kind: Kind
    /// The member as the client sent it: `Filter.1.Name`, `x-amz-Data-Length`, `VolumeSize`.
    public var parameter: String
    /// A sentence for the client.
    public var message: String

    /// Creates an error about `parameter`.
    public init(_ kind: Kind, parameter: String, message: String) {
        self.kind = kind
        self.parameter = parameter
        self.message = message
    }

    static func missing(_ parameter: String) -> WireError {
        WireError(.missingParameter, parameter: parameter, message: "The request must contain the parameter \(parameter)")
    }

    static func invalid(_ parameter: String, _ value: String, expected: String) -> WireError {
        WireError(
            .invalidParameterValue,
            parameter: parameter,
            message: "Value (\(value)) for parameter \(parameter) is invalid. Expected \(expected)."
        )
    }
}
