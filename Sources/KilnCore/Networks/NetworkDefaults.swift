/// The record that an account's default network was made in a region, so that it is made
/// once, and not again after the account deletes its default VPC.
struct NetworkDefaults: StoredResource, Equatable {
    static let kind = ResourcePrefix.networkDefaults

    var id: String
    var owner: AccountID
    var region: RegionName
    /// The default VPC, while it exists.
    var vpcID: String?

    static func id(account: AccountID, region: RegionName) -> String { "network-defaults-\(account)-\(region)" }
}
