/// The errors of SSM parameters, with AWS's codes and messages.
extension CloudError {
    /// SSM's error for a parameter that does not exist.
    package static func parameterNotFound(_ name: String) -> CloudError {
        CloudError("ParameterNotFound", "Parameter \(name) not found.")
    }

    package static let parameterPathWithoutSlash = CloudError("ValidationException", "The parameter path must begin with a forward slash (/).")

    package static let invalidParameterName = CloudError(
        "ValidationException",
        "Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive), and must be 1 to 2048 characters."
    )

    package static let parameterHierarchyTooDeep = CloudError("HierarchyLevelLimitExceededException", "A parameter name can have at most 15 levels.")

    package static func unsupportedParameterDataType(_ dataType: some CustomStringConvertible) -> CloudError {
        CloudError("InvalidDataType", "The data type \(dataType) is not supported. Use text or aws:ec2:image.")
    }

    package static func invalidParameterType(_ type: some CustomStringConvertible) -> CloudError {
        CloudError(
            "ValidationException",
            "1 validation error detected: Value '\(type)' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SecureString, StringList, String]"
        )
    }

    package static func parameterNotAnImage(_ value: some CustomStringConvertible) -> CloudError {
        CloudError("ValidationException", "The parameter value \(value) is not an image id this account may use.")
    }

    package static let parameterAlreadyExists = CloudError(
        "ParameterAlreadyExists",
        "The parameter already exists. To overwrite this value, set the overwrite option in the request to true."
    )

    package static let parameterTypeRequired = CloudError("ValidationException", "A parameter type is required when you create a parameter.")

    package static func parameterPageTooLarge(_ limit: some CustomStringConvertible) -> CloudError {
        CloudError(
            "ValidationException",
            "1 validation error detected: Value '\(limit)' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 10"
        )
    }
}
