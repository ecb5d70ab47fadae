import Foundation

/// An SSM parameter an account stores, such as the id of its latest golden image.
public struct Parameter: StoredResource, Equatable {
    public static let kind = ResourcePrefix.parameter

    public var id: String
    public var owner: AccountID
    public var region: RegionName
    /// `/golden/web/latest`.
    public var name: String
    /// `String`, `StringList` or `SecureString`.
    public var type: String
    public var value: String
    /// `text` or `aws:ec2:image` (the value must then be an image the account may launch).
    public var dataType: String
    public var description: String?
    public var version: Int
    public var lastModified: Date

    /// The store key of a parameter: parameters are per account and region.
    static func id(account: AccountID, region: RegionName, name: String) -> String { "ssm-parameter|\(account)|\(region)|\(name)" }

    /// The parameter's ARN.
    public var arn: String { "arn:aws:ssm:\(region):\(owner):parameter\(name.hasPrefix("/") ? "" : "/")\(name)" }
}
