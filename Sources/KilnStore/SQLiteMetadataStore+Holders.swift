import Foundation
import GRDB
import KilnBlocks
import KilnCore

extension SQLiteMetadataStore {
    /// The snapshot and volume blocks that refer to `id` in `domain`, at most `limit`, for
    /// reports of damaged blocks.
    package func holders(of id: BlockID, domain: String, limit: Int) async throws -> [BlockHolder] {
        try await readSQL { transaction in
            try Row.fetchAll(
                transaction.db,
                sql: "SELECT owner_id, block_index FROM block_map WHERE domain = ? AND block_id = ? ORDER BY owner_id, block_index LIMIT ?",
                arguments: [domain, Data(id.bytes), limit]
            ).map { BlockHolder(owner: $0["owner_id"], index: $0["block_index"]) }
        }
    }
}
