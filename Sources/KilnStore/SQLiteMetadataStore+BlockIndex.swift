import KilnBlocks
import KilnCore

/// The SQLite store keeps the block store's index beside the maps that refer to blocks, so
/// that garbage collection reads both in one transaction.
extension SQLiteMetadataStore: BlockIndex {
    package func indexedBlock(_ id: BlockID, domain: String) async throws -> IndexedBlock? {
        try await readSQL { try $0.indexedBlock(id, domain: domain) }
    }

    package func indexPack(_ pack: PackRecord, blocks: [IndexedBlock]) async throws {
        try await writeSQL { try $0.indexPack(pack, blocks: blocks) }
    }

    package func contents() async throws -> BlockIndexContents {
        try await readSQL { BlockIndexContents(blocks: try $0.allIndexedBlocks(), packs: try $0.allPacks()) }
    }

    package func contentsAndReferences() async throws -> (contents: BlockIndexContents, referenced: [(domain: String, id: BlockID)]) {
        try await readSQL { transaction in
            let contents = BlockIndexContents(blocks: try transaction.allIndexedBlocks(), packs: try transaction.allPacks())
            return (contents, try transaction.referencedBlocks())
        }
    }

    package func replace(_ removed: [IndexedBlock], deletedPacks: [String], adding added: (pack: PackRecord, blocks: [IndexedBlock])?) async throws {
        try await writeSQL { transaction in
            try transaction.removeIndexedBlocks(removed, packs: deletedPacks)
            if let added { try transaction.indexPack(added.pack, blocks: added.blocks) }
        }
    }

    package func wrappedDomainKey(_ domain: String, proposing proposed: [UInt8]) async throws -> [UInt8] {
        try await writeSQL { transaction in
            if let existing = try transaction.wrappedDomainKey(domain) { return existing }
            try transaction.saveWrappedDomainKey(domain, proposed)
            return proposed
        }
    }

    package func wrappedDomainKey(_ domain: String) async throws -> [UInt8]? {
        try await readSQL { try $0.wrappedDomainKey(domain) }
    }
}
