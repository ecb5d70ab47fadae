import Foundation
import KilnCore
import KilnStore
import Logging
import NIOCore
import PostgresNIO

/// One transaction of ``PostgresMetadataStore``: the ``MetadataTransaction`` operations in
/// PostgreSQL's SQL, every value bound as a parameter.
///
/// Its methods run on a thread of the store's pool and wait there for each answer.
final class PostgresTransaction: MetadataTransaction {
    let connection: PostgresConnection
    let logger: Logger
    /// The first serialization failure or deadlock a statement met: the transaction is lost,
    /// and the store runs the body again, whatever the body did with the error.
    private(set) var conflict: (any Error)?
    /// The BEGIN not sent yet: it goes with the first statement, so a body that runs none
    /// costs no round trip, and a read-only one sends it without waiting for its answer.
    var pendingBegin: (sql: String, pipelined: Bool)?
    /// Whether BEGIN was sent, so that COMMIT or ROLLBACK is due.
    private(set) var began = false
    /// Whether a statement has failed, which in a transaction aborts it.
    private var failed = false
    /// Whether the body only reads (a snapshot, or statements on their own), so that what one
    /// statement read ahead answers a later one.
    var readsOnly = false
    /// The viewer's tags on the images the last image read returned, read in the same
    /// statement: a read of images and then of their tags costs one round trip.
    var tagsReadAhead: TagsReadAhead?

    /// The names under which reads prepare their statements, shared by the store's transactions.
    let preparedStatements: PreparedStatements

    init(connection: PostgresConnection, preparedStatements: PreparedStatements, logger: Logger) {
        self.connection = connection
        self.preparedStatements = preparedStatements
        self.logger = logger
    }

    /// Runs `query` and waits for all its rows. In a body that only reads, a SELECT goes out
    /// as a prepared statement (see ``PreparedStatements``), unless a statement has failed:
    /// PostgreSQL refuses to prepare in an aborted transaction, and postgres-nio would keep
    /// that refusal for the connection.
    @discardableResult
    func rows(_ query: PostgresQuery) throws -> [PostgresRow] {
        do {
            let begun = try sendPendingBegin()
            let answer: EventLoopFuture<[PostgresRow]>
            if readsOnly, !failed, let name = preparedStatements.name(for: query.sql) {
                answer = PreparedStatements.run(query, as: name, on: connection, logger: logger)
            } else {
                answer = connection.query(query, logger: logger).map(\.rows)
            }
            if let begun { _ = try begun.wait() }
            return try answer.wait()
        } catch {
            failed = true
            if PostgresMetadataStore.isConflict(error), conflict == nil { conflict = error }
            throw error
        }
    }

    /// Sends the deferred BEGIN, if one is due. A read-only snapshot's goes out without
    /// waiting, and its answer is returned to be waited for with the statement's; any
    /// other's is waited for here.
    private func sendPendingBegin() throws -> EventLoopFuture<PostgresQueryResult>? {
        guard let begin = pendingBegin else { return nil }
        pendingBegin = nil
        began = true
        let sent = connection.query(PostgresQuery(unsafeSQL: begin.sql), logger: logger)
        guard begin.pipelined else {
            _ = try sent.wait()
            return nil
        }
        return sent
    }

    /// Runs a statement that binds nothing.
    func execute(_ sql: String) throws {
        try rows(PostgresQuery(unsafeSQL: sql))
    }

    static let encoder = StoredJSON.encoder
    static let decoder = StoredJSON.decoder

    /// Decoded resources, keyed by their stored bytes (see ``DecodeCache``).
    private static let decodedResources = DecodeCache<any StoredResource>(capacity: 20_000)
    /// Decoded images, keyed by their stored bytes.
    private static let decodedImages = DecodeCache<Image>(capacity: 50_000)

    static func decodeResource<Resource: StoredResource>(_ body: Data) throws -> Resource {
        if let resource = decodedResources.value(for: body) as? Resource { return resource }
        let resource = try decoder.decode(Resource.self, from: body)
        decodedResources.store(resource, for: body)
        return resource
    }

    static func decodeImage(_ body: Data) throws -> Image {
        if let image = decodedImages.value(for: body) { return image }
        let image = try decoder.decode(Image.self, from: body)
        decodedImages.store(image, for: body)
        return image
    }

    /// The first column of every row, as `body` bytes, decoded as resources.
    func resources<Resource: StoredResource>(_ query: PostgresQuery) throws -> [Resource] {
        try rows(query).map { try Self.decodeResource($0.decode(Data.self)) }
    }

    // MARK: Resources

    func fetch<Resource: StoredResource>(_ type: Resource.Type, id: String) throws -> Resource? {
        let kind = Resource.kind.rawValue
        let found: [Resource] = try resources("SELECT body FROM resource WHERE id = \(id) AND kind = \(kind)")
        return found.first
    }

    func fetchAll<Resource: StoredResource>(_ type: Resource.Type, region: RegionName, owner: AccountID?) throws -> [Resource] {
        let kind = Resource.kind.rawValue
        if let owner {
            return try resources(
                "SELECT body FROM resource WHERE kind = \(kind) AND region = \(region.rawValue) AND owner = \(owner.rawValue) ORDER BY id"
            )
        }
        return try resources("SELECT body FROM resource WHERE kind = \(kind) AND region = \(region.rawValue) ORDER BY id")
    }

    func save<Resource: StoredResource>(_ resource: Resource) throws {
        let body = try Self.encoder.encode(resource)
        try rows(
            """
            INSERT INTO resource (id, kind, owner, region, body)
            VALUES (\(resource.id), \(Resource.kind.rawValue), \(resource.owner.rawValue), \(resource.region.rawValue), \(body))
            ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, owner = excluded.owner, region = excluded.region, body = excluded.body
            """
        )
        if let granted = resource as? any GrantedResource {
            try saveGrants(of: granted)
        }
    }

    func delete<Resource: StoredResource>(_ type: Resource.Type, id: String) throws {
        try rows("DELETE FROM resource WHERE id = \(id) AND kind = \(Resource.kind.rawValue)")
        try rows("DELETE FROM tag WHERE resource_id = \(id)")
        if Resource.self is any GrantedResource.Type {
            try rows("DELETE FROM resource_grant WHERE resource_id = \(id)")
        }
    }

    /// Replaces the indexed grants of a resource with those it declares, in one statement.
    private func saveGrants(of resource: some GrantedResource) throws {
        try rows("DELETE FROM resource_grant WHERE resource_id = \(resource.id)")
        guard !resource.grantees.isEmpty else { return }
        let kind = type(of: resource).kind.rawValue
        try rows(
            """
            INSERT INTO resource_grant (resource_id, kind, region, grantee)
            SELECT \(resource.id), \(kind), \(resource.region.rawValue), grantee FROM unnest(\(resource.grantees)::text[]) AS grantee
            ON CONFLICT DO NOTHING
            """
        )
    }

    func page<Resource: StoredResource>(_ type: Resource.Type, region: RegionName, owner: AccountID, after startAfter: String?, limit: Int) throws
        -> [Resource]
    {
        let kind = Resource.kind.rawValue
        let after = startAfter ?? ""
        return try resources(
            """
            SELECT body FROM resource WHERE kind = \(kind) AND region = \(region.rawValue) AND owner = \(owner.rawValue) AND id > \(after)
            ORDER BY id LIMIT \(limit)
            """
        )
    }

    /// The union of three ordered index walks, each bounded by the page size: the account's
    /// own resources, those granted to it, and those granted to all.
    func page<Resource: GrantedResource>(
        _ type: Resource.Type,
        region: RegionName,
        visibleTo account: AccountID,
        after startAfter: String?,
        limit: Int
    )
        throws -> [Resource]
    {
        let kind = Resource.kind.rawValue
        let after = startAfter ?? ""
        return try resources(
            """
            SELECT body FROM resource WHERE id IN (
                (SELECT id FROM resource WHERE kind = \(kind) AND region = \(region.rawValue) AND owner = \(account.rawValue) AND id > \(after)
                 ORDER BY id LIMIT \(limit))
                UNION
                (SELECT resource_id FROM resource_grant
                 WHERE kind = \(kind) AND region = \(region.rawValue) AND grantee = \(account.rawValue) AND resource_id > \(after)
                 ORDER BY resource_id LIMIT \(limit))
                UNION
                (SELECT resource_id FROM resource_grant
                 WHERE kind = \(kind) AND region = \(region.rawValue) AND grantee = 'all' AND resource_id > \(after)
                 ORDER BY resource_id LIMIT \(limit))
            ) ORDER BY id LIMIT \(limit)
            """
        )
    }

    // MARK: Tags

    func tags(on resourceID: String, by account: AccountID) throws -> [Tag] {
        try rows("SELECT key, value FROM tag WHERE resource_id = \(resourceID) AND account = \(account.rawValue) ORDER BY key").map { row in
            let (key, value) = try row.decode((String, String).self)
            return Tag(key: key, value: value)
        }
    }

    func tags(on resourceIDs: [String], by account: AccountID) throws -> [String: [Tag]] {
        guard !resourceIDs.isEmpty else { return [:] }
        if let ahead = tagsReadAhead, let tags = ahead.tags(on: resourceIDs, by: account.rawValue) { return tags }
        var result: [String: [Tag]] = [:]
        let query: PostgresQuery = """
            SELECT resource_id, key, value FROM tag WHERE account = \(account.rawValue) AND resource_id = ANY(\(resourceIDs)::text[])
            ORDER BY resource_id, key
            """
        for row in try rows(query) {
            let (resourceID, key, value) = try row.decode((String, String, String).self)
            result[resourceID, default: []].append(Tag(key: key, value: value))
        }
        return result
    }

    func tags(by account: AccountID, region: RegionName, after position: TagPosition?, limit: Int) throws -> [ResourceTag] {
        let after = position ?? TagPosition(resourceID: "", key: "")
        return try rows(
            """
            SELECT resource_id, resource_type, key, value FROM tag
            WHERE account = \(account.rawValue) AND region = \(region.rawValue) AND (resource_id, key) > (\(after.resourceID), \(after.key))
            ORDER BY resource_id, key LIMIT \(limit)
            """
        ).map { row in
            let (resourceID, resourceType, key, value) = try row.decode((String, String, String, String).self)
            return ResourceTag(resourceID: resourceID, resourceType: resourceType, tag: Tag(key: key, value: value))
        }
    }

    func putTag(_ tag: Tag, on resourceID: String, resourceType: String, by account: AccountID, region: RegionName) throws {
        try rows(
            """
            INSERT INTO tag (resource_id, account, key, value, resource_type, region)
            VALUES (\(resourceID), \(account.rawValue), \(tag.key), \(tag.value), \(resourceType), \(region.rawValue))
            ON CONFLICT (resource_id, account, key) DO UPDATE SET value = excluded.value
            """
        )
    }

    func removeTag(key: String, from resourceID: String, by account: AccountID) throws {
        try rows("DELETE FROM tag WHERE resource_id = \(resourceID) AND account = \(account.rawValue) AND key = \(key)")
    }

    // MARK: Scheduled transitions

    func insert(_ transition: ScheduledTransition) throws {
        try rows(
            """
            INSERT INTO scheduled_transition (kind, resource_id, due)
            VALUES (\(transition.kind.rawValue), \(transition.resourceID), \(transition.due.timeIntervalSince1970))
            """
        )
    }

    func transitions(dueBy date: Date) throws -> [ScheduledTransition] {
        try rows("SELECT kind, resource_id, due FROM scheduled_transition WHERE due <= \(date.timeIntervalSince1970) ORDER BY due, id").map { row in
            let (kind, resourceID, due) = try row.decode((String, String, Double).self)
            return ScheduledTransition(kind: .init(rawValue: kind), resourceID: resourceID, due: Date(timeIntervalSince1970: due))
        }
    }

    func nextTransitionDue() throws -> Date? {
        try rows("SELECT MIN(due) FROM scheduled_transition").first.flatMap { try $0.decode(Double?.self) }.map(Date.init(timeIntervalSince1970:))
    }

    func removeTransition(_ transition: ScheduledTransition) throws {
        try rows(
            """
            DELETE FROM scheduled_transition
            WHERE kind = \(transition.kind.rawValue) AND resource_id = \(transition.resourceID) AND due = \(transition.due.timeIntervalSince1970)
            """
        )
    }

    // MARK: Whole store

    func eraseEverything() throws {
        try execute(
            "TRUNCATE resource, resource_grant, tag, scheduled_transition, block_map, image, launch_permission, image_snapshot"
        )
    }
}
