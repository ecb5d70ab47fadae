/// The errors of instance metadata options, with AWS's codes and messages.
extension CloudError {
    package static func metadataHopLimitOutOfRange(_ value: Int) -> CloudError {
        CloudError("InvalidParameterValue", "The HttpPutResponseHopLimit value '\(value)' is not valid. Specify a value from 1 to 64.")
    }

    package static func invalidEnumValue(_ value: String, parameter: String, valid: [String]) -> CloudError {
        CloudError("InvalidParameterValue", "Value (\(value)) for parameter \(parameter) is invalid. Valid values: \(valid.joined(separator: ", "))")
    }
}
