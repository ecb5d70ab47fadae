/// An Amazon Resource Name: `arn:aws:ec2:us-east-1:111122223333:volume/vol-0123…`.
package struct ARN: Sendable, Hashable, CustomStringConvertible {
    /// The service, such as `ec2` or `kms`.
    package var service: String
    /// The region; empty for global resources.
    package var region: String
    /// The owning account; empty for AWS-owned resources such as public images' ARNs.
    package var account: String
    /// The resource part, such as `volume/vol-…` or `key/1234…`.
    package var resource: String

    /// Builds an ARN from its parts.
    package init(service: String, region: String, account: String, resource: String) {
        self.service = service
        self.region = region
        self.account = account
        self.resource = resource
    }

    /// The ARN of an EC2 resource, by its id: `image/ami-…`, `volume/vol-…`, `snapshot/snap-…`.
    package static func ec2(_ id: String, region: RegionName, account: AccountID) -> ARN? {
        guard let prefix = ResourcePrefix(ofID: id) else { return nil }
        return ARN(
            service: "ec2",
            region: region.rawValue,
            account: prefix == .image || prefix == .snapshot ? "" : account.rawValue,
            resource: "\(prefix.resourceType)/\(id)"
        )
    }

    /// Reads `arn:partition:service:region:account:resource`; `nil` for anything else.
    package init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", !parts[2].isEmpty, !parts[5].isEmpty else { return nil }
        service = String(parts[2])
        region = String(parts[3])
        account = String(parts[4])
        resource = String(parts[5])
    }

    package var description: String { "arn:aws:\(service):\(region):\(account):\(resource)" }
}
