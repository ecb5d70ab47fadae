import Foundation

/// The subnets of Auto Scaling groups' `VPCZoneIdentifier`.
extension NetworkService {
    /// The subnet ids of a comma-separated `VPCZoneIdentifier`.
    static func subnetIDs(_ identifier: String) -> [String] {
        identifier.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The zones of the subnets a `VPCZoneIdentifier` names, in order; a subnet that does not
    /// exist is Auto Scaling's `ValidationError`.
    package func zones(ofSubnets identifier: String, caller: Caller) async throws -> [String] {
        try await ensureDefaultNetwork(caller)
        let ids = Self.subnetIDs(identifier)
        return try await read(caller) { transaction in
            var zones: [String] = []
            for id in ids {
                guard let subnet = try transaction.fetch(Subnet.self, id: id), subnet.owner == caller.account, subnet.region == caller.region else {
                    throw CloudError("ValidationError", "The subnet ID '\(id)' does not exist")
                }
                if !zones.contains(subnet.availabilityZone) { zones.append(subnet.availabilityZone) }
            }
            return zones
        }
    }

    /// The first subnet of a `VPCZoneIdentifier` in `zone`.
    package func subnet(inZone zone: String, among identifier: String, caller: Caller) async throws -> String? {
        let ids = Self.subnetIDs(identifier)
        return try await read(caller) { transaction in
            try ids.first { id in try transaction.fetch(Subnet.self, id: id)?.availabilityZone == zone }
        }
    }
}
