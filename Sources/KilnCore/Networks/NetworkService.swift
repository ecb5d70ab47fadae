import Crypto
import Foundation

/// VPCs, subnets, security groups, internet gateways, route tables and network interfaces,
/// and the place in them of every instance.
///
/// Each account has, in each region, a default network laid out as AWS lays it out: a VPC of
/// 172.31.0.0/16, a /20 subnet per zone that gives instances public addresses, a default
/// security group, an internet gateway and a main route table with a route to it. It is made
/// at the first network call or launch of the account in the region (see
/// ``ensureDefaultNetwork(_:)``), with ids derived from the account and region.
package struct NetworkService: CloudService {
    package let context: CloudContext
}

extension NetworkService {
    /// The MaxResults range of the network Describe calls.
    static let pageSizes = 5...1000

    /// An id of `prefix` derived from `parts`: the same on every Kiln for the same parts.
    static func derivedID(_ prefix: ResourcePrefix, _ parts: String...) -> String {
        let digest = SHA256.hash(data: Data(([prefix.rawValue] + parts).joined(separator: "/").utf8))
        let hex = digest.map { String(format: "%02x", $0) }.joined()
        return "\(prefix.rawValue)-\(hex.prefix(17))"
    }

    /// A MAC address for an interface, derived from its id (`0e:` and five bytes).
    static func macAddress(for interfaceID: String) -> String {
        let digest = Array(SHA256.hash(data: Data(interfaceID.utf8)))
        return (["0e"] + digest.prefix(5).map { String(format: "%02x", $0) }).joined(separator: ":")
    }

    /// Runs a Describe over the resources of `type` the caller owns in its region: the ones
    /// `requested` names (each must exist), or a page of all, filtered, with their tags.
    func describe<Resource: StoredResource>(
        _ caller: Caller,
        _ type: Resource.Type,
        ids requested: [String]?,
        notFound: @escaping @Sendable (String) -> CloudError,
        filters: [Filter],
        supported: Set<String>,
        page: PageRequest,
        values: @escaping @Sendable (Resource, String) -> [String]
    ) async throws -> (items: [(Resource, [Tag])], nextToken: String?) {
        let filterSet = try FilterSet(filters, supported: supported, allowsTags: true)
        // As AWS checks ids' shape before it looks any up, a malformed id wins over a missing one.
        for id in requested ?? [] where !type.kind.matches(id) {
            if let malformed = CloudError.malformedNetworkID(id, kind: type.kind) { throw malformed }
        }
        try await ensureDefaultNetwork(caller)
        return try await describeOwned(
            caller,
            type,
            ids: requested,
            notFound: { missing in notFound(missing.first ?? "") },
            page: page,
            admits: { resource, tags in
                filterSet.admits { name in FilterSet.tagValues(name, tags: tags) ?? values(resource, name) }
            }
        )
    }

    /// Puts `tags` on a new resource.
    func tag(_ resourceID: String, _ prefix: ResourcePrefix, with tags: [Tag], caller: Caller, in transaction: any MetadataTransaction) throws {
        for tag in tags {
            try transaction.putTag(tag, on: resourceID, resourceType: prefix.resourceType, by: caller.account, region: caller.region)
        }
    }

    /// Whether a filter value spells a boolean that `value` is.
    static func flag(_ value: Bool) -> [String] { [value ? "true" : "false"] }
}
