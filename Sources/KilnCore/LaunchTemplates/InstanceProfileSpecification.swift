/// An IAM instance profile as RunInstances and launch templates name it: by ARN or by name.
package struct InstanceProfileSpecification: Sendable, Codable, Equatable {
    package var arn: String?
    package var name: String?

    /// Names a profile.
    package init(arn: String?, name: String?) {
        self.arn = arn
        self.name = name
    }
}
