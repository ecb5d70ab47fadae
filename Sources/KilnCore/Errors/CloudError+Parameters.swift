/// The errors of SSM parameters, with AWS's codes and messages.
extension CloudError {
    /// SSM's error for a parameter that does not exist.
    package static func parameterNotFound(_ name: String) -> CloudError {
        CloudError("ParameterNotFound", "Parameter \(name) not found.")
    }
}
