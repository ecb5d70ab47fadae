/// An Amazon Resource Name: `arn:aws:ec2:us-east-1:111122223333:volume/vol-0123…`.
public struct ARN: Sendable, Hashable, CustomStringConvertible {
    /// The service, such as `ec2` or `kms`.
    public var service: String
    /// The region; empty for global resources.
    public var region: String
    /// The owning account; empty for AWS-owned resources such as public images' ARNs.
    public var account: String
    /// The resource part, such as `volume/vol-…` or `key/1234…`.
    public var resource: String

    /// Builds an ARN from its parts.
    public init(service: String, region: String, account: String, resource: String) {
        self.service = service
        self.region = region
        self.account = account
        self.resource = resource
    }

    /// The ARN of an EC2 resource, by its id: `image/ami-…`, `volume/vol-…`, `snapshot/snap-…`.
    public static func ec2(_ id: String, region: RegionName, account: AccountID) -> ARN? {
        guard let prefix = ResourcePrefix(ofID: id) else { return nil }
        return ARN(service: "ec2", region: region.rawValue, account: prefix == .image || prefix == .snapshot ? "" : account.rawValue, resource: "\(prefix.resourceType)/\(id)")
    }

    /// Reads `arn:partition:service:region:account:resource`; `nil` for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", !parts[2].isEmpty, !parts[5].isEmpty else { return nil }
        service = String(parts[2])
        region = String(parts[3])
        account = String(parts[4])
        resource = String(parts[5])
    }

    public var description: String { "arn:aws:\(service):\(region):\(account):\(resource)" }
}
