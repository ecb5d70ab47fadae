/// The errors of Auto Scaling, with AWS's codes and messages.
extension CloudError {
    package static func autoScalingValidation(_ message: String) -> CloudError {
        CloudError("ValidationError", message)
    }

    package static func groupNotFound(_ name: String) -> CloudError {
        autoScalingValidation("AutoScalingGroup name not found - AutoScalingGroup \(name) not found")
    }
}
