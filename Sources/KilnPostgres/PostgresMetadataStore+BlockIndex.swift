import Foundation
import KilnBlocks
import KilnCore
import PostgresNIO

/// The block index lives beside the maps that refer to blocks, so that garbage collection
/// reads both in one snapshot.
extension PostgresMetadataStore: BlockIndex {
    package func indexedBlock(_ id: BlockID, domain: String) async throws -> IndexedBlock? {
        try await transaction(.none) { try $0.indexedBlock(id, domain: domain) }
    }

    package func indexPack(_ pack: PackRecord, blocks: [IndexedBlock]) async throws {
        try await transaction(.serializable) { try $0.indexPack(pack, blocks: blocks) }
    }

    package func contents() async throws -> BlockIndexContents {
        try await transaction(.snapshot) { BlockIndexContents(blocks: try $0.allIndexedBlocks(), packs: try $0.allPacks()) }
    }

    package func contentsAndReferences() async throws -> (contents: BlockIndexContents, referenced: [(domain: String, id: BlockID)]) {
        let (contents, referenced) = try await transaction(.snapshot) { transaction in
            let contents = BlockIndexContents(blocks: try transaction.allIndexedBlocks(), packs: try transaction.allPacks())
            return (contents, try transaction.referencedBlocks().map { BlockReference(domain: $0.domain, id: $0.id) })
        }
        return (contents, referenced.map { (domain: $0.domain, id: $0.id) })
    }

    package func replace(_ removed: [IndexedBlock], deletedPacks: [String], adding added: (pack: PackRecord, blocks: [IndexedBlock])?) async throws {
        let addedPack = added?.pack
        let addedBlocks = added?.blocks ?? []
        try await transaction(.serializable) { transaction in
            try transaction.removeIndexedBlocks(removed, packs: deletedPacks)
            if let addedPack { try transaction.indexPack(addedPack, blocks: addedBlocks) }
        }
    }

    package func wrappedDomainKey(_ domain: String, proposing proposed: [UInt8]) async throws -> [UInt8] {
        try await transaction(.serializable) { transaction in
            if let existing = try transaction.wrappedDomainKey(domain) { return existing }
            try transaction.saveWrappedDomainKey(domain, proposed)
            return proposed
        }
    }

    package func wrappedDomainKey(_ domain: String) async throws -> [UInt8]? {
        try await transaction(.none) { try $0.wrappedDomainKey(domain) }
    }

    /// The snapshot and volume blocks that refer to `id` in `domain`, at most `limit`, for
    /// reports of damaged blocks.
    package func holders(of id: BlockID, domain: String, limit: Int) async throws -> [BlockHolder] {
        let bytes = Data(id.bytes)
        return try await transaction(.none) { transaction in
            try transaction.rows(
                """
                SELECT owner_id, block_index FROM block_map WHERE domain = \(domain) AND block_id = \(bytes)
                ORDER BY owner_id, block_index LIMIT \(limit)
                """
            ).map { row in
                let (owner, index) = try row.decode((String, Int).self)
                return BlockHolder(owner: owner, index: index)
            }
        }
    }
}

/// A block a map refers to, in a form that crosses threads.
private struct BlockReference: Sendable {
    var domain: String
    var id: BlockID
}
