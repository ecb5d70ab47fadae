import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import KilnBlocks
import KilnCore
import KilnServer
import KilnStore
import Logging
import NIOCore
import Testing

/// A cloud on an in-memory store, with a clock and ids the test controls; its packs go to `blobs`.
func makeTestCloud(latency: Latency = .instant, identity: IdentityDirectory = IdentityDirectory(), blobs: any BlobStore = MemoryBlobStore())
    throws -> (Cloud, ManualClock)
{
    let clock = ManualClock()
    let store = try SQLiteMetadataStore.inMemory()
    let cloud = Cloud(
        identity: identity,
        regions: RegionCatalog(),
        store: store,
        clock: clock,
        ids: SequentialIDGenerator(),
        latency: latency,
        blocks: makeBlockStore(metadata: store, clock: clock, blobs: blobs),
        objects: MemoryBlobStore()
    )
    return (cloud, clock)
}

/// A block store in memory over `metadata`, with small packs so that tests cross pack boundaries.
func makeBlockStore(metadata: SQLiteMetadataStore, clock: any Clock, blobs: any BlobStore = MemoryBlobStore(), packSize: Int = 4 << 20)
    -> PackedBlockStore
{
    PackedBlockStore(
        index: metadata,
        blobs: blobs,
        keyring: Keyring(master: SymmetricKey(size: .bits256), index: metadata),
        clock: clock,
        packSize: packSize
    )
}

/// A caller in account 111111111111 and us-east-1, unless told otherwise.
func testCaller(account: String = "111111111111", region: RegionName = "us-east-1", dryRun: Bool = false) -> Caller {
    Caller(account: AccountID(account) ?? .defaultAccount, accessKeyID: account, region: region, dryRun: dryRun)
}

/// Runs `body` against the real router over `cloud`, without a socket.
func withKiln(
    cloud: Cloud,
    auth: AuthMode = .dev,
    enableTestReset: Bool = false,
    logger given: Logger? = nil,
    _ body: @Sendable (any TestClientProtocol) async throws -> Void
) async throws {
    var logger = given ?? Logger(label: "test")
    if given == nil { logger.logLevel = .warning }
    let maintenance = try #require(cloud.blocks as? PackedBlockStore, "the test cloud's blocks are a packed block store")
    let router = KilnApplication.buildRouter(cloud: cloud, maintenance: maintenance, auth: auth, enableTestReset: enableTestReset, logger: logger)
    try await Application(router: router).test(.router) { client in try await body(client) }
}

/// Headers of an EC2 query request signed (in form only: dev mode checks nothing) by `accessKey` for `region`.
func queryHeaders(service: String = "ec2", accessKey: String = "111111111111", region: String = "us-east-1") -> HTTPFields {
    [
        .contentType: "application/x-www-form-urlencoded; charset=utf-8",
        .authorization:
            "AWS4-HMAC-SHA256 Credential=\(accessKey)/20260101/\(region)/\(service)/aws4_request, SignedHeaders=host;x-amz-date, Signature=00",
    ]
}

extension TestClientProtocol {
    /// POSTs a form to `/` and returns the status and body text.
    func post(_ form: String, headers: HTTPFields = queryHeaders()) async throws -> (status: Int, body: String) {
        try await execute(uri: "/", method: .post, headers: headers, body: ByteBuffer(string: form)) { response in
            (Int(response.status.code), String(buffer: response.body))
        }
    }
}

/// A completed snapshot of `caller`'s holding one text block at index 0, uploaded through the EBS direct APIs.
func completedSnapshot(_ cloud: Cloud, _ caller: Caller, size: Int = 1) async throws -> String {
    let (snapshot, _) = try await cloud.snapshots.startSnapshot(caller, DirectUploadRequest(volumeSize: size))
    let data = textBlock(size)
    _ = try await cloud.snapshots.putSnapshotBlock(
        caller,
        snapshotID: snapshot.id,
        index: 0,
        data: data,
        dataLength: Block.size,
        checksum: base64SHA256(data),
        checksumAlgorithm: "SHA256",
        progress: nil
    )
    _ = try await cloud.snapshots.completeSnapshot(
        caller,
        snapshotID: snapshot.id,
        changedBlocksCount: 1,
        checksum: nil,
        checksumAlgorithm: nil,
        aggregationMethod: nil
    )
    return snapshot.id
}

/// An x86_64 image of one completed 1 GiB snapshot, its root at `/dev/xvda`.
func registerTestImage(_ cloud: Cloud, _ caller: Caller, name: String) async throws -> String {
    let snapshot = try await completedSnapshot(cloud, caller, size: 1)
    var registration = ImageRegistration(
        name: name,
        rootDeviceName: "/dev/xvda",
        mappings: [.init(deviceName: "/dev/xvda", snapshotID: snapshot)]
    )
    registration.architecture = "x86_64"
    return try await cloud.images.registerImage(caller, registration)
}

/// The error a ``ScriptedBlobStore`` write or read was told to throw.
struct ScriptedFailure: Error {
    var object: String
}

/// A ``BlobStore`` in memory whose whole-object writes a test can hold back or make fail, to
/// set flushes against each other and against a failing disk.
actor ScriptedBlobStore: BlobStore {
    private let inner = MemoryBlobStore()
    /// How many of the next writes fail.
    var failures = 0
    /// Whether writes wait for ``release()``.
    private var held = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    /// Writes that have started, whether or not they finished.
    private(set) var writesStarted = 0
    /// Whether reads fail, as a disk's I/O errors would.
    private var readsFail = false

    func failNext(_ count: Int) { failures = count }

    func failReads(_ fail: Bool) { readsFail = fail }

    func hold() { held = true }

    func release() {
        held = false
        waiting.forEach { $0.resume() }
        waiting = []
    }

    func write(_ name: String, _ bytes: [UInt8]) async throws {
        writesStarted += 1
        if held { await withCheckedContinuation { waiting.append($0) } }
        if failures > 0 {
            failures -= 1
            throw ScriptedFailure(object: name)
        }
        try await inner.write(name, bytes)
    }

    func write(_ name: String, streaming produce: @Sendable (BlobSink) async throws -> Void) async throws {
        try await inner.write(name, streaming: produce)
    }

    func read(_ name: String, offset: Int, length: Int) async throws -> [UInt8] {
        if readsFail { throw ScriptedFailure(object: name) }
        return try await inner.read(name, offset: offset, length: length)
    }

    func size(_ name: String) async throws -> Int? { try await inner.size(name) }
    func delete(_ name: String) async throws { try await inner.delete(name) }
    func list(prefix: String) async throws -> [String] { try await inner.list(prefix: prefix) }
}

/// A block store in memory over a ``ScriptedBlobStore``, writing blocks of one unencrypted domain.
struct ScriptedBlockStore {
    let metadata: SQLiteMetadataStore
    let blobs = ScriptedBlobStore()
    let store: PackedBlockStore
    let domain = EncryptionDomain.unencrypted("us-east-1")

    init() throws {
        metadata = try SQLiteMetadataStore.inMemory()
        store = makeBlockStore(metadata: metadata, clock: ManualClock(), blobs: blobs)
    }

    func put(_ block: [UInt8]) async throws -> BlockID {
        try await store.put(block, sha256: sha256(block), domain: domain)
    }

    func isIndexed(_ id: BlockID) async throws -> Bool {
        let domainID = domain.id
        return try await metadata.indexedBlock(id, domain: domainID) != nil
    }
}

/// Blocks that compress (text) and blocks that do not (random bytes).
func textBlock(_ seed: Int) -> [UInt8] {
    Array(String(repeating: "block \(seed) of a disk image; ", count: Block.size / 20).utf8.prefix(Block.size))
}

func randomBlock() -> [UInt8] {
    var generator = SystemRandomNumberGenerator()
    return (0..<Block.size / 8).flatMap { _ in withUnsafeBytes(of: generator.next() as UInt64) { Array($0) } }
}

func sha256(_ bytes: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: bytes)) }
func base64SHA256(_ bytes: [UInt8]) -> String { Data(SHA256.hash(data: bytes)).base64EncodedString() }

extension PageRequest {
    /// Every item at once.
    static var all: PageRequest { .everything() }
}

/// How many blocks the test cloud's block store has indexed.
func blockIndexCount(_ cloud: Cloud) async throws -> Int {
    let index = try #require(cloud.store as? SQLiteMetadataStore)
    return try await index.contents().blocks.count
}

/// A small, seeded generator, so test data is the same on every run.
struct SplitMix {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A form POST and its signature computed by botocore 1.43.11's SigV4Auth at
/// 2026-01-01T00:00:00Z with the key AKIDEXAMPLE: an independent implementation to check ours against.
enum Botocore {
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let ec2Body = "Action=DescribeRegions&Version=2016-11-15&RegionName.1=eu-west-1"
    static let ec2Authorization =
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/eu-west-1/ec2/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=e0221b9b668e4d2bd7854581a426af5eec7d5ff0289847a6d8dd85ab089ed2ad"

    static func identity() -> IdentityDirectory {
        IdentityDirectory(accounts: [
            .init(id: AccountID("111111111111") ?? .defaultAccount, accessKeys: [.init(accessKeyId: "AKIDEXAMPLE", secretAccessKey: secret)])
        ])
    }
}

/// A small valid instance-store bundle, its part beside its manifest, stored in `bucket` under
/// `name`; returns the ImageLocation that names it.
func putBundle(_ cloud: Cloud, _ caller: Caller, bucket: String, name: String, disk: [UInt8] = Array("a kiln bundle\n".utf8)) async throws -> String {
    let digest = Hex.encode(SHA256.hash(data: disk))
    let folder = name.split(separator: "/").dropLast().joined(separator: "/")
    let base = name.split(separator: "/").last.map(String.init) ?? name
    let manifest = BundleManifest(
        name: base,
        architecture: "x86_64",
        size: disk.count,
        sha256: digest,
        parts: [.init(filename: "\(base).part.0", sha256: digest)]
    )
    try await cloud.bundles.putObject(caller, bucket: bucket, key: (folder.isEmpty ? "" : folder + "/") + "\(base).part.0", bytes: disk)
    try await cloud.bundles.putObject(caller, bucket: bucket, key: "\(name).manifest.xml", bytes: Array(manifest.xml.utf8))
    return "\(bucket)/\(name).manifest.xml"
}

/// A log handler that keeps every message with its metadata, for tests that read the log.
final class CapturedLog: LogHandler, @unchecked Sendable {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let lock = NSLock()
    private var kept: [Entry] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    /// Everything logged so far.
    var entries: [Entry] { lock.withLock { kept } }

    /// A logger that writes here.
    var logger: Logger { Logger(label: "captured") { _ in self } }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let entry = Entry(
            level: event.level,
            message: event.message.description,
            metadata: (event.metadata ?? [:]).mapValues { "\($0)" }
        )
        lock.withLock { kept.append(entry) }
    }
}
