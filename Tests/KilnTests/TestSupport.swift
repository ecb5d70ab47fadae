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

/// A cloud on an in-memory store, with a clock and ids the test controls.
func makeTestCloud(latency: Latency = .instant, identity: IdentityDirectory = IdentityDirectory()) throws -> (Cloud, ManualClock) {
    let clock = ManualClock()
    let store = try SQLiteMetadataStore.inMemory()
    let cloud = Cloud(
        identity: identity,
        regions: RegionCatalog(),
        store: store,
        clock: clock,
        ids: SequentialIDGenerator(),
        latency: latency,
        blocks: makeBlockStore(metadata: store, clock: clock),
        objects: MemoryBlobStore()
    )
    return (cloud, clock)
}

/// A block store in memory over `metadata`, with small packs so that tests cross pack boundaries.
func makeBlockStore(metadata: any MetadataStore, clock: any Clock, blobs: any BlobStore = MemoryBlobStore(), packSize: Int = 4 << 20) -> PackedBlockStore {
    PackedBlockStore(
        metadata: metadata,
        blobs: blobs,
        keyring: Keyring(master: SymmetricKey(size: .bits256), metadata: metadata),
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
    _ body: @Sendable (any TestClientProtocol) async throws -> Void
) async throws {
    var logger = Logger(label: "test")
    logger.logLevel = .warning
    let router = KilnApplication.buildRouter(cloud: cloud, auth: auth, enableTestReset: enableTestReset, logger: logger)
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
    let (snapshot, _) = try await cloud.startSnapshot(caller, DirectUploadRequest(volumeSize: size))
    let data = textBlock(size)
    _ = try await cloud.putSnapshotBlock(
        caller, snapshotID: snapshot.id, index: 0, data: data, dataLength: Block.size, checksum: base64SHA256(data), checksumAlgorithm: "SHA256",
        progress: nil
    )
    _ = try await cloud.completeSnapshot(caller, snapshotID: snapshot.id, changedBlocksCount: 1, checksum: nil, checksumAlgorithm: nil, aggregationMethod: nil)
    return snapshot.id
}
