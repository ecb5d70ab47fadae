import Foundation

/// An SSM parameter an account stores, such as the id of its latest golden image.
package struct Parameter: StoredResource, Equatable {
    package static let kind = ResourcePrefix.parameter

    package var id: String
    package var owner: AccountID
    package var region: RegionName
    /// `/golden/web/latest`.
    package var name: String
    /// `String`, `StringList` or `SecureString`.
    package var type: String
    package var value: String
    /// `text` or `aws:ec2:image` (the value must then be an image the account may launch).
    package var dataType: String
    package var description: String?
    package var version: Int
    package var lastModified: Date

    /// The store key of a parameter: parameters are per account and region.
    static func id(account: AccountID, region: RegionName, name: String) -> String { "ssm-parameter|\(account)|\(region)|\(name)" }

    /// The parameter's ARN.
    package var arn: String { "arn:aws:ssm:\(region):\(owner):parameter\(name.hasPrefix("/") ? "" : "/")\(name)" }
}
