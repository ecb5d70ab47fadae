/// The errors of store maintenance, with AWS's codes and messages.
extension CloudError {
    package static let maintenanceNeedsAdmin = CloudError(
        "AccessDenied",
        "Only accounts marked \"admin\": true in the configuration may run store maintenance.",
        category: .forbidden
    )
}
