/// A resource that uses an image, as DescribeImageReferences lists it.
package struct ImageReference: Sendable, Equatable {
    package var imageID: String
    /// `ec2:Instance`, `ec2:LaunchTemplate` or `ssm:Parameter`.
    package var resourceType: String
    package var arn: String
}
