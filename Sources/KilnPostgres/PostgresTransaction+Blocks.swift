import Foundation
import KilnBlocks
import KilnCore
import PostgresNIO

/// Block maps of snapshots and volumes, and the block store's index (`block`, `pack` and
/// `domain_key`). Many rows go in one statement each, as arrays unnested by the server.
extension PostgresTransaction {
    func blockMap(of ownerID: String, from index: Int, limit: Int?) throws -> [BlockEntry] {
        try rows(
            """
            SELECT block_index, block_id, sha256, change_digest FROM block_map
            WHERE owner_id = \(ownerID) AND block_index >= \(index) ORDER BY block_index LIMIT \(limit)
            """
        ).map(Self.blockEntry)
    }

    func blockEntry(of ownerID: String, at index: Int) throws -> BlockEntry? {
        try rows(
            "SELECT block_index, block_id, sha256, change_digest FROM block_map WHERE owner_id = \(ownerID) AND block_index = \(index)"
        ).first.map(Self.blockEntry)
    }

    func putBlockEntries(_ entries: [BlockEntry], of ownerID: String, domain: String) throws {
        guard !entries.isEmpty else { return }
        // bytea arrays travel as hex text, which the server decodes.
        let indexes = entries.map(\.index)
        let ids = entries.map { Self.hex($0.id.bytes) }
        let digests = entries.map { Self.hex($0.sha256) }
        let changes = entries.map { $0.changeDigest.map(Self.hex) ?? "" }
        try rows(
            """
            INSERT INTO block_map (owner_id, block_index, block_id, sha256, change_digest, domain)
            SELECT \(ownerID), entry.block_index, decode(entry.block_id, 'hex'), decode(entry.sha256, 'hex'),
                CASE WHEN entry.change_digest = '' THEN NULL ELSE decode(entry.change_digest, 'hex') END, \(domain)
            FROM unnest(\(indexes)::bigint[], \(ids)::text[], \(digests)::text[], \(changes)::text[])
                AS entry(block_index, block_id, sha256, change_digest)
            ON CONFLICT (owner_id, block_index) DO UPDATE SET block_id = excluded.block_id, sha256 = excluded.sha256,
                change_digest = excluded.change_digest, domain = excluded.domain
            """
        )
    }

    func removeBlockEntries(at indexes: [Int], of ownerID: String) throws {
        guard !indexes.isEmpty else { return }
        try rows("DELETE FROM block_map WHERE owner_id = \(ownerID) AND block_index = ANY(\(indexes)::bigint[])")
    }

    func copyBlockMap(from sourceID: String, to targetID: String) throws {
        try rows("DELETE FROM block_map WHERE owner_id = \(targetID)")
        try rows(
            """
            INSERT INTO block_map (owner_id, block_index, block_id, sha256, change_digest, domain)
            SELECT \(targetID), block_index, block_id, sha256, change_digest, domain FROM block_map WHERE owner_id = \(sourceID)
            """
        )
    }

    func deleteBlockMap(of ownerID: String) throws {
        try rows("DELETE FROM block_map WHERE owner_id = \(ownerID)")
    }

    func blockCount(of ownerID: String) throws -> Int {
        try rows("SELECT COUNT(*) FROM block_map WHERE owner_id = \(ownerID)").first.map { try $0.decode(Int.self) } ?? 0
    }

    func storedBytes(of blocks: Set<BlockID>, domain: String) throws -> Int64 {
        guard !blocks.isEmpty else { return 0 }
        let ids = blocks.map { Self.hex($0.bytes) }
        return try rows(
            """
            SELECT COALESCE(SUM(stored_length), 0)::bigint FROM block
            WHERE domain = \(domain) AND id IN (SELECT decode(hex, 'hex') FROM unnest(\(ids)::text[]) AS hex)
            """
        ).first.map { try $0.decode(Int64.self) } ?? 0
    }

    static func blockEntry(_ row: PostgresRow) throws -> BlockEntry {
        let (index, id, sha256, changeDigest) = try row.decode((Int, Data, Data, Data?).self)
        return BlockEntry(index: index, id: BlockID([UInt8](id)), sha256: [UInt8](sha256), changeDigest: changeDigest.map { [UInt8]($0) })
    }

    static func hex(_ bytes: [UInt8]) -> String {
        Hex.encode(bytes)
    }

    // MARK: Block index

    func indexedBlock(_ id: BlockID, domain: String) throws -> IndexedBlock? {
        try rows(
            """
            SELECT domain, id, pack, "offset", stored_length, plain_length, codec, sha256, indexed_at FROM block
            WHERE domain = \(domain) AND id = \(Data(id.bytes))
            """
        ).first.map(Self.indexedBlock)
    }

    func indexPack(_ pack: PackRecord, blocks: [IndexedBlock]) throws {
        try rows(
            """
            INSERT INTO pack (name, domain, size, created_at)
            VALUES (\(pack.name), \(pack.domain), \(pack.size), \(pack.createdAt.timeIntervalSince1970))
            """
        )
        guard !blocks.isEmpty else { return }
        let query: PostgresQuery = """
            INSERT INTO block (domain, id, pack, "offset", stored_length, plain_length, codec, sha256, indexed_at)
            SELECT b.domain, decode(b.id, 'hex'), b.pack, b.off, b.stored_length, b.plain_length, b.codec, decode(b.sha256, 'hex'), b.indexed_at
            FROM unnest(\(blocks.map(\.domain))::text[], \(blocks.map { Self.hex($0.id.bytes) })::text[], \(blocks.map(\.pack))::text[],
                \(blocks.map(\.offset))::bigint[], \(blocks.map(\.storedLength))::bigint[], \(blocks.map(\.plainLength))::bigint[],
                \(blocks.map { Int($0.codec.rawValue) })::bigint[], \(blocks.map { Self.hex($0.sha256) })::text[],
                \(blocks.map(\.indexedAt.timeIntervalSince1970))::float8[])
                AS b(domain, id, pack, off, stored_length, plain_length, codec, sha256, indexed_at)
            ON CONFLICT DO NOTHING
            """
        try rows(query)
    }

    func allIndexedBlocks() throws -> [IndexedBlock] {
        try rows(
            """
            SELECT domain, id, pack, "offset", stored_length, plain_length, codec, sha256, indexed_at FROM block ORDER BY pack, "offset"
            """
        ).map(Self.indexedBlock)
    }

    func allPacks() throws -> [PackRecord] {
        try rows("SELECT name, domain, size, created_at FROM pack ORDER BY name").map { row in
            let (name, domain, size, createdAt) = try row.decode((String, String, Int, Double).self)
            return PackRecord(name: name, domain: domain, size: size, createdAt: Date(timeIntervalSince1970: createdAt))
        }
    }

    func referencedBlocks() throws -> [(domain: String, id: BlockID)] {
        try rows("SELECT DISTINCT domain, block_id FROM block_map").map { row in
            let (domain, id) = try row.decode((String, Data).self)
            return (domain: domain, id: BlockID([UInt8](id)))
        }
    }

    func removeIndexedBlocks(_ blocks: [IndexedBlock], packs: [String]) throws {
        if !blocks.isEmpty {
            try rows(
                """
                DELETE FROM block USING unnest(\(blocks.map(\.domain))::text[], \(blocks.map { Self.hex($0.id.bytes) })::text[]) AS gone(domain, id)
                WHERE block.domain = gone.domain AND block.id = decode(gone.id, 'hex')
                """
            )
        }
        if !packs.isEmpty {
            try rows("DELETE FROM pack WHERE name = ANY(\(packs)::text[])")
        }
    }

    func wrappedDomainKey(_ domain: String) throws -> [UInt8]? {
        try rows("SELECT wrapped_key FROM domain_key WHERE domain = \(domain)").first.map { [UInt8](try $0.decode(Data.self)) }
    }

    func saveWrappedDomainKey(_ domain: String, _ wrapped: [UInt8]) throws {
        try rows("INSERT INTO domain_key (domain, wrapped_key) VALUES (\(domain), \(Data(wrapped)))")
    }

    private static func indexedBlock(_ row: PostgresRow) throws -> IndexedBlock {
        let (domain, id, pack, offset, storedLength, plainLength, codec, sha256, indexedAt) = try row.decode(
            (String, Data, String, Int, Int, Int, Int, Data, Double).self
        )
        return IndexedBlock(
            domain: domain,
            id: BlockID([UInt8](id)),
            pack: pack,
            offset: offset,
            storedLength: storedLength,
            plainLength: plainLength,
            codec: BlockCodecID(rawValue: UInt8(truncatingIfNeeded: codec)),
            sha256: [UInt8](sha256),
            indexedAt: Date(timeIntervalSince1970: indexedAt)
        )
    }
}
