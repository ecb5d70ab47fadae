import Foundation

/// A cluster's nodes each run the machines of the instances they launched (``Instance/node``).
extension InstanceService {
    /// The node `node` stopped answering: its machines are gone with it, so its instances
    /// end as a failed host's do on EC2 (an EBS-backed instance stops with
    /// `Server.InternalError`, an instance-store one terminates). Answers how many it ended.
    package func nodeFailed(_ node: String) async throws -> Int {
        let ids = try await machineOrders().map(\.instance).filter { $0.node == node }.map(\.id)
        for id in ids {
            try await machineEnded(id, cause: .failed("the host the instance ran on failed"))
        }
        return ids.count
    }
}
