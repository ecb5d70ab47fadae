import KilnCore

/// The block store's upkeep, which spans every account: garbage collection and verification.
///
/// The server's admin routes reach the store through this protocol, handed to them when the
/// service is assembled.
package protocol BlockMaintenance: Sendable {
    /// Mark and sweep: removes the blocks that no snapshot, volume or block in `alsoLive`
    /// refers to, and compacts what remains.
    func collectGarbage(alsoLive: [(domain: String, id: BlockID)]) async throws -> GarbageReport
    /// Reads back and checks every stored block and every reference to one.
    func verify() async throws -> VerifyReport
}
