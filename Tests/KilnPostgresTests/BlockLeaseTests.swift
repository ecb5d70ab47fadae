import Foundation
import KilnPostgres
import Synchronization
import Testing

/// Garbage collection and block writes on different nodes exclude each other through the
/// lease table: no collection starts while another node holds a lease, and no lease is taken
/// while another node collects.
@Suite(
    "Block leases and collections across nodes",
    .serialized,
    .timeLimit(.minutes(1)),
    .enabled(if: ScratchPostgres.unavailable == nil, "PostgreSQL 15 is not installed (scripts/install-deps.sh test installs postgresql-15)")
)
struct BlockLeaseTests {
    @Test("A node's block writes wait while another node collects, and a collection waits for the writer's lease")
    func writesWaitForACollection() async throws {
        let store = try await PostgresMetadataStore.connect(try ScratchPostgres.freshDatabase())
        defer { store.close() }
        let collector = BlockLease(store: store, nodeID: "node-a", duration: 60)
        let writer = BlockLease(store: store, nodeID: "node-b", duration: 60)
        #expect(try await collector.beginCollection(for: 60) == [], "nobody holds a lease yet")

        let held = Atomic<Bool>(false)
        let holding = Task {
            try await writer.hold()
            held.store(true, ordering: .sequentiallyConsistent)
        }
        try await Task.sleep(for: .milliseconds(400))
        let heldDuringCollection = held.load(ordering: .sequentiallyConsistent)
        #expect(!heldDuringCollection, "the writer took its lease in the middle of a collection")

        try await collector.endCollection()
        try await holding.value
        let heldAfter = held.load(ordering: .sequentiallyConsistent)
        #expect(heldAfter)
        #expect(try await collector.beginCollection(for: 60) == ["node-b"], "a collection began while another node held a lease")
    }
}
