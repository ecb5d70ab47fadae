/// A resource that uses an image, as DescribeImageReferences lists it.
public struct ImageReference: Sendable, Equatable {
    public var imageID: String
    /// `ec2:Instance`, `ec2:LaunchTemplate` or `ssm:Parameter`.
    public var resourceType: String
    public var arn: String
}
