import Foundation
import KilnCore
import PostgresNIO

/// Images: one row each with indexed columns beside the JSON body, their launch permissions
/// and the snapshots they use.
extension PostgresTransaction {
    func image(_ id: String) throws -> Image? {
        try rows("SELECT body FROM image WHERE id = \(id)").first.map { try Self.decodeImage($0.decode(Data.self)) }
    }

    func saveImage(_ image: Image) throws {
        let key = image.storageKey
        let body = try Self.encoder.encode(image)
        try rows(
            """
            INSERT INTO image (id, region, owner, name, state, is_public, creation_date, body)
            VALUES (\(key), \(image.region.rawValue), \(image.owner.rawValue), \(image.name), \(image.state.rawValue), \(image.isPublic),
                \(image.creationDate.timeIntervalSince1970), \(body))
            ON CONFLICT (id) DO UPDATE SET region = excluded.region, owner = excluded.owner, name = excluded.name,
                state = excluded.state, is_public = excluded.is_public, creation_date = excluded.creation_date, body = excluded.body
            """
        )
        try rows("DELETE FROM launch_permission WHERE image_id = \(key)")
        var kinds: [String] = []
        var values: [String] = []
        for grant in image.launchPermissions {
            switch grant {
            case .all: continue  // is_public
            case .account(let account): (kinds, values) = (kinds + ["account"], values + [account.rawValue])
            case .organization(let arn): (kinds, values) = (kinds + ["organization"], values + [arn])
            case .organizationalUnit(let arn): (kinds, values) = (kinds + ["ou"], values + [arn])
            }
        }
        if !kinds.isEmpty {
            try rows(
                """
                INSERT INTO launch_permission (image_id, kind, value)
                SELECT \(key), kind, value FROM unnest(\(kinds)::text[], \(values)::text[]) AS grant_row(kind, value)
                ON CONFLICT DO NOTHING
                """
            )
        }
        try rows("DELETE FROM image_snapshot WHERE image_id = \(key)")
        let snapshots = image.snapshotIDs
        if image.state != .deregistered, !snapshots.isEmpty {
            try rows(
                """
                INSERT INTO image_snapshot (image_id, snapshot_id) SELECT \(key), snapshot FROM unnest(\(snapshots)::text[]) AS snapshot
                ON CONFLICT DO NOTHING
                """
            )
        }
    }

    func images(_ query: ImageQuery) throws -> [Image] {
        tagsReadAhead = nil
        var sql = SQLText()
        guard readsOnly, let viewer = query.viewer else {
            Self.selectImages(query, in: &sql)
            return try rows(sql.query).map { try Self.decodeImage($0.decode(Data.self)) }
        }
        // Each image with the viewer's tags on it, which DescribeImages reads next.
        sql.append("SELECT i.id, i.body, t.keys, t.tag_values FROM (")
        Self.selectImages(query, columns: "id, body, name, creation_date", in: &sql)
        let account = sql.bind(viewer.account.rawValue)
        sql.append(
            """
            ) AS i LEFT JOIN LATERAL (
                SELECT array_agg(key ORDER BY key) AS keys, array_agg(value ORDER BY key) AS tag_values
                FROM tag WHERE tag.resource_id = i.id AND tag.account = \(account)
            ) AS t ON true
            """
        )
        sql.append(Self.orderBy(query.order, table: "i."))
        var images: [Image] = []
        var ahead = TagsReadAhead(account: viewer.account.rawValue)
        for row in try rows(sql.query) {
            let (id, body, keys, values) = try row.decode((String, Data, [String]?, [String]?).self)
            images.append(try Self.decodeImage(body))
            ahead.add(id, keys: keys ?? [], values: values ?? [])
        }
        tagsReadAhead = ahead
        return images
    }

    /// The statement that selects the images `query` asks for, in id order.
    private static func selectImages(_ query: ImageQuery, columns: String = "body", in sql: inout SQLText) {
        let region = sql.bind(query.region.rawValue)
        sql.append("SELECT \(columns) FROM image WHERE region = \(region)")
        if !query.includeDeregistered {
            sql.append(" AND state <> 'deregistered'")
        }
        if let viewer = query.viewer {
            visibility(to: viewer, in: &sql)
        }
        if let ids = query.ids {
            // An image whose id every region shares is filed under its id and region.
            let keys = sql.bind(ids + ids.map { Image.regionalKey($0, region: query.region) })
            sql.append(" AND id = ANY(\(keys)::text[])")
        }
        if let owners = query.owners {
            // One owner is an equality, so that an index on the owner then the order's key gives the order.
            if owners.count == 1 {
                let owner = sql.bind(owners[0].rawValue)
                sql.append(" AND owner = \(owner)")
            } else {
                let owners = sql.bind(owners.map(\.rawValue))
                sql.append(" AND owner = ANY(\(owners)::text[])")
            }
        }
        if query.publicOnly {
            sql.append(" AND is_public")
        }
        if let patterns = query.namePatterns, !patterns.isEmpty {
            var clauses: [String] = []
            for pattern in patterns { clauses.append(nameClause(pattern, in: &sql)) }
            sql.append(" AND (" + clauses.joined(separator: " OR ") + ")")
        }
        Self.order(query.order, after: query.after, in: &sql)
        if let limit = query.limit {
            let limit = sql.bind(limit)
            sql.append(" LIMIT \(limit)")
        }
    }

    /// The keyset condition of a page that starts after `position` in `order`, then the
    /// order itself: the order's column, then the id, both the same way.
    private static func order(_ order: ImageOrder, after position: ImagePosition?, in sql: inout SQLText) {
        let column = orderColumn(order.key)
        let comparison = order.descending ? "<" : ">"
        if let position {
            let id = sql.bind(position.id)
            switch (column, position.key) {
            case (let column?, .name(let name)):
                let name = sql.bind(name)
                sql.append(" AND (\(column), id) \(comparison) (\(name), \(id))")
            case (let column?, .creationDate(let seconds)):
                let seconds = sql.bind(seconds)
                sql.append(" AND (\(column), id) \(comparison) (\(seconds)::double precision, \(id))")
            default:
                sql.append(" AND id \(comparison) \(id)")
            }
        }
        sql.append(orderBy(order))
    }

    /// The column an order sorts by before the id; nil when it sorts by the id alone.
    private static func orderColumn(_ key: ImageOrder.Key) -> String? {
        switch key {
        case .id: nil
        case .name: "name"
        case .creationDate: "creation_date"
        }
    }

    /// The ORDER BY clause of `order`, over the columns of `table` (a prefix such as `i.`).
    private static func orderBy(_ order: ImageOrder, table: String = "") -> String {
        let direction = order.descending ? " DESC" : ""
        let id = "\(table)id\(direction)"
        return orderColumn(order.key).map { " ORDER BY \(table)\($0)\(direction), \(id)" } ?? " ORDER BY \(id)"
    }

    /// Owned, public, or shared with the account, its organization or one of its units.
    private static func visibility(to viewer: Viewer, in sql: inout SQLText) {
        let account = sql.bind(viewer.account.rawValue)
        var grants = "(kind = 'account' AND value = \(account))"
        if let organization = viewer.organizationARN {
            let organization = sql.bind(organization)
            grants += " OR (kind = 'organization' AND value = \(organization))"
        }
        if !viewer.organizationalUnitARNs.isEmpty {
            let units = sql.bind(viewer.organizationalUnitARNs)
            grants += " OR (kind = 'ou' AND value = ANY(\(units)::text[]))"
        }
        sql.append(" AND (owner = \(account) OR is_public OR id IN (SELECT image_id FROM launch_permission WHERE \(grants)))")
    }

    /// The condition that a name matches an EC2 wildcard pattern, with the range of names its
    /// literal prefix allows first, so that the index on (region, name) finds the candidates.
    private static func nameClause(_ pattern: String, in sql: inout SQLText) -> String {
        let like = sql.bind(ImageNamePattern.like(pattern))
        guard let (low, high) = WildcardPattern.prefixRange(of: pattern) else { return "name LIKE \(like)" }
        let lowBound = sql.bind(low)
        let highBound = sql.bind(high)
        return "(name >= \(lowBound) AND name < \(highBound) AND name LIKE \(like))"
    }

    func imageNamed(_ name: String, owner: AccountID, region: RegionName) throws -> Image? {
        try rows(
            """
            SELECT body FROM image WHERE region = \(region.rawValue) AND name = \(name) AND owner = \(owner.rawValue) AND state <> 'deregistered'
            """
        ).first.map { try Self.decodeImage($0.decode(Data.self)) }
    }

    func imagesUsing(snapshotID: String) throws -> [String] {
        try rows("SELECT image_id FROM image_snapshot WHERE snapshot_id = \(snapshotID) ORDER BY image_id").map { try $0.decode(String.self) }
    }
}

/// A statement put together piece by piece, with each value bound as a numbered parameter.
struct SQLText {
    private(set) var text = ""
    private(set) var bindings = PostgresBindings()

    mutating func append(_ piece: String) {
        text += piece
    }

    /// Binds `value` and answers its placeholder (`$1`, `$2`…).
    mutating func bind(_ value: some PostgresNonThrowingEncodable) -> String {
        bindings.append(value)
        return "$\(bindings.count)"
    }

    var query: PostgresQuery { PostgresQuery(unsafeSQL: text, binds: bindings) }
}
