/// The PostgreSQL schema's history: the SQLite store's migrations, in the same order and under
/// the same names, each written in PostgreSQL's dialect. A migration never changes once
/// released; a change is a new one, in both histories.
///
/// Every text column that is compared or ordered uses the "C" collation, so ids and names sort
/// by their bytes as in SQLite, and pages of results come in the same order on either store.
enum PostgresSchema {
    /// The migrations, oldest first: a name and the statements that make it.
    static let migrations: [(name: String, statements: [String])] = [
        ("v1: resources, tags, transitions", resources),
        ("v2: block maps, block index, packs, domain keys", dataPlane),
        ("v3: images, launch permissions, image snapshots", images),
        ("v4: change digests in block maps", ["ALTER TABLE block_map ADD COLUMN change_digest bytea"]),
        ("v5: resource pages and grants", paging),
        ("v6: tag pages", ["CREATE INDEX tag_by_account_region_resource_key ON tag (account, region, resource_id, key)"]),
        ("cluster v1: nodes and gc leases", cluster),
        ("v7: image orders", imageOrders),
        ("v8: console sessions", consoleSessions),
    ]

    /// The key of the advisory lock that one migrating node holds, so that two nodes starting
    /// at once do not both migrate.
    static let migrationLockKey: Int64 = 0x6B69_6C6E_0001

    private static let resources = [
        """
        CREATE TABLE resource (
            id text COLLATE "C" PRIMARY KEY, kind text COLLATE "C" NOT NULL, owner text COLLATE "C" NOT NULL,
            region text COLLATE "C" NOT NULL, body bytea NOT NULL)
        """,
        "CREATE INDEX resource_by_kind_region_owner ON resource (kind, region, owner)",
        """
        CREATE TABLE tag (
            resource_id text COLLATE "C" NOT NULL, account text COLLATE "C" NOT NULL, key text COLLATE "C" NOT NULL,
            value text NOT NULL, resource_type text NOT NULL, region text COLLATE "C" NOT NULL,
            PRIMARY KEY (resource_id, account, key))
        """,
        "CREATE INDEX tag_by_account_region ON tag (account, region)",
        """
        CREATE TABLE scheduled_transition (
            id bigserial PRIMARY KEY, kind text NOT NULL, resource_id text NOT NULL, due double precision NOT NULL)
        """,
        "CREATE INDEX scheduled_transition_by_due ON scheduled_transition (due)",
    ]

    private static let dataPlane = [
        """
        CREATE TABLE block_map (
            owner_id text COLLATE "C" NOT NULL, block_index bigint NOT NULL, block_id bytea NOT NULL,
            sha256 bytea NOT NULL, domain text COLLATE "C" NOT NULL, PRIMARY KEY (owner_id, block_index))
        """,
        """
        CREATE TABLE pack (
            name text COLLATE "C" PRIMARY KEY, domain text NOT NULL, size bigint NOT NULL, created_at double precision NOT NULL)
        """,
        """
        CREATE TABLE block (
            domain text COLLATE "C" NOT NULL, id bytea NOT NULL, pack text COLLATE "C" NOT NULL REFERENCES pack (name) ON DELETE RESTRICT,
            "offset" bigint NOT NULL, stored_length bigint NOT NULL, plain_length bigint NOT NULL, codec integer NOT NULL,
            sha256 bytea NOT NULL, indexed_at double precision NOT NULL, PRIMARY KEY (domain, id))
        """,
        "CREATE INDEX block_by_pack ON block (pack)",
        "CREATE TABLE domain_key (domain text COLLATE \"C\" PRIMARY KEY, wrapped_key bytea NOT NULL)",
    ]

    private static let images = [
        """
        CREATE TABLE image (
            id text COLLATE "C" PRIMARY KEY, region text COLLATE "C" NOT NULL, owner text COLLATE "C" NOT NULL,
            name text COLLATE "C" NOT NULL, state text NOT NULL, is_public boolean NOT NULL, body bytea NOT NULL)
        """,
        "CREATE INDEX image_by_region_name ON image (region, name)",
        "CREATE INDEX image_by_region_owner ON image (region, owner, id)",
        "CREATE INDEX image_by_region_public ON image (region, is_public, id)",
        """
        CREATE TABLE launch_permission (
            image_id text COLLATE "C" NOT NULL, kind text COLLATE "C" NOT NULL, value text COLLATE "C" NOT NULL,
            PRIMARY KEY (image_id, kind, value))
        """,
        "CREATE INDEX launch_permission_by_grantee ON launch_permission (kind, value)",
        """
        CREATE TABLE image_snapshot (
            image_id text COLLATE "C" NOT NULL, snapshot_id text COLLATE "C" NOT NULL, PRIMARY KEY (image_id, snapshot_id))
        """,
        "CREATE INDEX image_snapshot_by_snapshot ON image_snapshot (snapshot_id)",
    ]

    private static let paging = [
        "CREATE INDEX resource_by_kind_region_owner_id ON resource (kind, region, owner, id)",
        """
        CREATE TABLE resource_grant (
            resource_id text COLLATE "C" NOT NULL, kind text COLLATE "C" NOT NULL, region text COLLATE "C" NOT NULL,
            grantee text COLLATE "C" NOT NULL, PRIMARY KEY (resource_id, grantee))
        """,
        "CREATE INDEX resource_grant_by_grantee ON resource_grant (kind, region, grantee, resource_id)",
        // Snapshots recorded before keep their grants in their documents only.
        """
        INSERT INTO resource_grant (resource_id, kind, region, grantee)
        SELECT resource.id, resource.kind, resource.region, grantee.value
        FROM resource, jsonb_array_elements_text(convert_from(resource.body, 'UTF8')::jsonb -> 'createVolumePermissions') AS grantee(value)
        WHERE resource.kind = 'snap' AND jsonb_typeof(convert_from(resource.body, 'UTF8')::jsonb -> 'createVolumePermissions') = 'array'
        ON CONFLICT DO NOTHING
        """,
    ]

    /// Images listed in pages by name or by creation date: the creation date as a column,
    /// filled from each image's document (its seconds since 1970, as written), and each key
    /// indexed after the region, after the region and the owner, and after the region and
    /// whether the image is public, then by id.
    private static let imageOrders = [
        "ALTER TABLE image ADD COLUMN creation_date double precision NOT NULL DEFAULT 0",
        creationDateBackfill,
        "CREATE INDEX image_by_region_name_id ON image (region, name, id)",
        "CREATE INDEX image_by_region_creation_id ON image (region, creation_date, id)",
        "CREATE INDEX image_by_region_owner_name_id ON image (region, owner, name, id)",
        "CREATE INDEX image_by_region_owner_creation_id ON image (region, owner, creation_date, id)",
        "CREATE INDEX image_by_region_public_name_id ON image (region, is_public, name, id)",
        "CREATE INDEX image_by_region_public_creation_id ON image (region, is_public, creation_date, id)",
    ]

    /// Each image's creation date from its document, as the text the document holds, read
    /// as a double: the very value the store writes for it.
    static let creationDateBackfill =
        "UPDATE image SET creation_date = (convert_from(body, 'UTF8')::jsonb ->> 'creationDate')::double precision"

    private static let consoleSessions = [
        """
        CREATE TABLE console_session (
            id text COLLATE "C" PRIMARY KEY, last_seen double precision NOT NULL, body bytea NOT NULL)
        """,
        "CREATE INDEX console_session_by_last_seen ON console_session (last_seen)",
    ]

    /// Only the cluster has these: the nodes that share the database, with their heartbeats,
    /// and the leases by which a node's uploads and copies keep garbage collection from the
    /// blocks they write before any map refers to them.
    private static let cluster = [
        """
        CREATE TABLE node (
            id text COLLATE "C" PRIMARY KEY, address text NOT NULL, started_at double precision NOT NULL,
            heartbeat double precision NOT NULL)
        """,
        """
        CREATE TABLE gc_lease (
            id text COLLATE "C" PRIMARY KEY, node_id text COLLATE "C" NOT NULL, since double precision NOT NULL,
            expires double precision NOT NULL)
        """,
    ]
}
