import Foundation
import GRDB
import KilnBlocks
import KilnCore

/// The block index's SQL: the `block`, `pack` and `domain_key` tables, and the references
/// that snapshot and volume maps hold in `block_map`.
extension SQLiteTransaction {
    func indexedBlock(_ id: BlockID, domain: String) throws -> IndexedBlock? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM block WHERE domain = ? AND id = ?"), arguments: [domain, Data(id.bytes)]).map(
            Self.indexedBlock
        )
    }

    func indexPack(_ pack: PackRecord, blocks: [IndexedBlock]) throws {
        try db.execute(
            sql: "INSERT INTO pack (name, domain, size, created_at) VALUES (?, ?, ?, ?)",
            arguments: [pack.name, pack.domain, pack.size, pack.createdAt.timeIntervalSince1970]
        )
        let statement = try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO block (domain, id, pack, offset, stored_length, plain_length, codec, sha256, indexed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        for block in blocks {
            try statement.execute(arguments: [
                block.domain, Data(block.id.bytes), block.pack, block.offset, block.storedLength, block.plainLength,
                Int(block.codec.rawValue), Data(block.sha256), block.indexedAt.timeIntervalSince1970,
            ])
        }
    }

    func allIndexedBlocks() throws -> [IndexedBlock] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM block ORDER BY pack, offset")).map(Self.indexedBlock)
    }

    func allPacks() throws -> [PackRecord] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM pack ORDER BY name")).map { row in
            PackRecord(name: row["name"], domain: row["domain"], size: row["size"], createdAt: Date(timeIntervalSince1970: row["created_at"]))
        }
    }

    func referencedBlocks() throws -> [(domain: String, id: BlockID)] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT DISTINCT domain, block_id FROM block_map")).map { row in
            (domain: row["domain"], id: BlockID([UInt8](row["block_id"] as Data)))
        }
    }

    func removeIndexedBlocks(_ blocks: [IndexedBlock], packs: [String]) throws {
        let statement = try db.cachedStatement(sql: "DELETE FROM block WHERE domain = ? AND id = ?")
        for block in blocks {
            try statement.execute(arguments: [block.domain, Data(block.id.bytes)])
        }
        for pack in packs {
            try db.execute(sql: "DELETE FROM pack WHERE name = ?", arguments: [pack])
        }
    }

    func wrappedDomainKey(_ domain: String) throws -> [UInt8]? {
        try Data.fetchOne(db.cachedStatement(sql: "SELECT wrapped_key FROM domain_key WHERE domain = ?"), arguments: [domain]).map { [UInt8]($0) }
    }

    func saveWrappedDomainKey(_ domain: String, _ wrapped: [UInt8]) throws {
        try db.execute(sql: "INSERT INTO domain_key (domain, wrapped_key) VALUES (?, ?)", arguments: [domain, Data(wrapped)])
    }

    private static func indexedBlock(_ row: Row) -> IndexedBlock {
        IndexedBlock(
            domain: row["domain"],
            id: BlockID([UInt8](row["id"] as Data)),
            pack: row["pack"],
            offset: row["offset"],
            storedLength: row["stored_length"],
            plainLength: row["plain_length"],
            codec: BlockCodecID(rawValue: UInt8(truncatingIfNeeded: row["codec"] as Int)),
            sha256: [UInt8](row["sha256"] as Data),
            indexedAt: Date(timeIntervalSince1970: row["indexed_at"])
        )
    }
}
