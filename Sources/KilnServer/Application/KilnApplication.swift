import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import KilnBlocks
import KilnConsole
import KilnCore
import KilnObjectStore
import KilnPostgres
import KilnStore
import KilnWire
import Logging
import NIOCore
import ServiceLifecycle

/// Assembles the Kiln service: the domain, its store, the fronts and the HTTP routes.
///
/// `kiln serve` and the tests share this assembly, so what the tests exercise is what runs.
package enum KilnApplication {
    /// The largest request body Kiln's own routes (`/kiln/…`) accept: volume writes and bundle parts.
    package static let maximumBodySize = 2 * 1024 * 1024

    /// The cloud `configuration` describes, with its state under the data directory, and the
    /// upkeep of its block store.
    package static func makeCloud(
        _ configuration: ServerConfiguration,
        runtime: any InstanceRuntime = SimulatedRuntime(),
        cluster: ClusterNode? = nil
    ) throws -> (cloud: Cloud, maintenance: any BlockMaintenance) {
        let file = try configuration.configFile.map(ConfigFile.load(path:))
        let directory = URL(fileURLWithPath: configuration.dataDirectory, isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let (blockBlobs, objectBlobs) = try blobStores(configuration, directory: directory)
        let store: any MetadataStore & BlockIndex =
            try cluster?.store ?? SQLiteMetadataStore(path: directory.appendingPathComponent("kiln.sqlite").path)
        let master = try Keyring.loadOrCreateMasterKey(at: directory.appendingPathComponent("master.key").path)
        let clock: any Clock = configuration.enableTestReset ? OffsetClock() : SystemClock()
        let keyWrappingKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: master, info: Array("kiln kms key material".utf8), outputByteCount: 32)
        let packed = PackedBlockStore(
            index: store,
            blobs: blockBlobs,
            keyring: Keyring(
                master: master,
                index: store,
                wrapper: KMSDomainKeyWrapper(metadata: store, vault: KeyVault(wrappingKey: keyWrappingKey))
            ),
            clock: clock
        )
        let tokenKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: master, info: Array("kiln block tokens".utf8), outputByteCount: 32)
        let identity = IdentityDirectory(
            defaultAccount: configuration.defaultAccount ?? .defaultAccount,
            accounts: file?.accounts ?? [],
            organizations: file?.organizations ?? []
        )
        let regions = RegionCatalog(enabled: file?.regions.map { names in names.map { RegionName($0) } } ?? RegionCatalog.defaultEnabled)
        let cloud = Cloud(
            identity: identity,
            regions: regions,
            store: store,
            clock: clock,
            latency: configuration.latency,
            blocks: cluster.map { LeasedBlockStore(inner: packed, lease: $0.lease) as any BlockStore } ?? packed,
            objects: objectBlobs,
            tokenKey: tokenKey,
            keyWrappingKey: keyWrappingKey,
            runtime: runtime,
            // Nodes sharing a database share their uploads too: any node may receive the next block.
            sharedUploads: cluster != nil,
            nodeID: cluster?.lease.nodeID
        )
        return (cloud, cluster.map { ClusterMaintenance(inner: packed, node: $0) as any BlockMaintenance } ?? packed)
    }

    /// The whole HTTP service for `configuration`, ready to run.
    package static func build(_ configuration: ServerConfiguration, logger: Logger) async throws -> some ApplicationProtocol {
        try await prepareObjectStore(configuration, logger: logger)
        let runtime = try configuration.runtime.makeRuntime(
            dataDirectory: configuration.dataDirectory,
            shared: configuration.metadata != nil,
            logger: logger
        )
        logger.notice("instance runtime: \(runtime.summary)")
        let cluster = try await ClusterNode.join(configuration, logger: logger)
        let (cloud, maintenance) = try makeCloud(configuration, runtime: runtime, cluster: cluster)
        let runtimeServices = await configuration.runtime.services(for: runtime, cloud: cloud)
        if let images = configuration.catalog.images {
            let added = try await cloud.catalog.seedCatalog(images)
            if added > 0 { logger.info("catalogue images added", metadata: ["count": .stringConvertible(added)]) }
        }
        // In a cluster, another node's uploads go on while this one starts.
        let interrupted = cluster == nil ? try await cloud.snapshots.failInterruptedUploads() : 0
        if interrupted > 0 {
            logger.warning("snapshot uploads interrupted by the restart were marked as failed", metadata: ["count": .stringConvertible(interrupted)])
        }
        let backup = (cloud.store as? SQLiteMetadataStore).flatMap { store in
            (maintenance as? PackedBlockStore).map {
                DataDirectoryBackup(dataDirectory: URL(fileURLWithPath: configuration.dataDirectory, isDirectory: true), store: store, blocks: $0)
            }
        }
        let router = buildRouter(
            cloud: cloud,
            maintenance: maintenance,
            backup: backup,
            auth: configuration.auth,
            enableTestReset: configuration.enableTestReset,
            catalogAfterReset: configuration.catalog.images,
            hygieneCheck: configuration.hygieneCheck,
            logger: logger
        )
        let scheme = configuration.tlsCertificateFile == nil ? "http" : "https"
        var services: [any Service] = [TransitionRunner(cloud: cloud, logger: logger)]
        if let cluster {
            services =
                [TransitionRunner(cloud: cloud, logger: logger, leads: cluster.leads)]
                + cluster.services(cloud: cloud, address: "\(configuration.host):\(configuration.port)", logger: logger)
        }
        return Application(
            router: router,
            server: try serverBuilder(configuration),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "kiln"),
            services: services + runtimeServices,
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                logger.notice("listening on \(scheme)://\(configuration.host):\(port)")
            },
            logger: logger
        )
    }

    /// The routes: `/health`, `/metrics`, the test reset, the console at `/console`, and every AWS request.
    package static func buildRouter(
        cloud: Cloud,
        maintenance: any BlockMaintenance,
        backup: DataDirectoryBackup? = nil,
        auth: AuthMode,
        enableTestReset: Bool,
        catalogAfterReset: [CatalogImage]? = nil,
        hygieneCheck: HygieneCheck = .off,
        logger: Logger
    ) -> Router<BasicRequestContext> {
        let metrics = RequestMetrics()
        let authenticator = Authenticator(mode: auth, identity: cloud.identity, clock: cloud.clock)
        let dispatcher = AWSDispatcher(
            fronts: [
                EC2Front.make(cloud: cloud, hygieneCheck: hygieneCheck),
                STSFront.make(),
                AutoScalingFront.make(autoScaling: cloud.autoScaling),
                KMSFront.make(kms: cloud.kms),
                SSMFront.make(parameters: cloud.parameters),
                EBSFront.make(snapshots: cloud.snapshots),
                RecycleBinFront.make(recycleBin: cloud.recycleBin, context: cloud.context),
            ],
            authenticator: authenticator,
            metrics: metrics,
            logger: logger
        )
        let router = Router()
        router.get("/health") { _, _ in "ok" }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition()))
            )
        }
        if enableTestReset { registerTestReset(on: router, cloud: cloud, catalogAfterReset: catalogAfterReset) }
        Console(cloud: cloud, signIn: auth == .strict ? .accessKey : .chooseAccount, hygieneCheck: hygieneCheck, logger: logger)
            .register(on: router)
        KilnExtensionRoutes(cloud: cloud, maintenance: maintenance, backup: backup, authenticator: authenticator, logger: logger).register(on: router)
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            try await respond(to: request, with: dispatcher, requestID: cloud.ids.requestID())
        }
        for method in [HTTPRequest.Method.get, .post, .put, .delete, .head, .patch] {
            router.on("/", method: method, use: handler)
            router.on("**", method: method, use: handler)
        }
        return router
    }

    /// The test routes of `--enable-test-reset`: moto's reset, which empties the cloud (and
    /// seeds the catalogue again), and the test clock.
    static func registerTestReset(on router: Router<BasicRequestContext>, cloud: Cloud, catalogAfterReset: [CatalogImage]?) {
        router.post("/moto-api/reset") { _, _ in
            try await cloud.reset()
            if let catalogAfterReset { _ = try await cloud.catalog.seedCatalog(catalogAfterReset) }
            return Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"status": "ok"}"#))
            )
        }
        for method in [HTTPRequest.Method.get, .put, .delete, .patch] {
            router.on("/moto-api/reset", method: method) { _, _ in
                Response(status: .badRequest, body: .init(byteBuffer: ByteBuffer(string: "reset takes POST\n")))
            }
        }
        registerTestClock(on: router, cloud: cloud)
    }

    /// Decides on the request from its head, collects the body within its operation's limit,
    /// hands the request to the dispatcher, and writes its answer. A request refused before its
    /// body is read is answered with `Connection: close`, so the body is never read.
    static func respond(to request: Request, with dispatcher: AWSDispatcher, requestID: String) async throws -> Response {
        var awsRequest = head(of: request, requestID: requestID)
        let answer: AWSResponse
        switch await dispatcher.admit(awsRequest, declaredLength: declaredLength(of: request)) {
        case .refuse(let refusal):
            return response(refusal, closing: true)
        case .read(let bodyLimit):
            do {
                awsRequest.body = try await request.body.collectBytes(upTo: bodyLimit, declaredLength: declaredLength(of: request))
            } catch is NIOTooManyBytesError {
                return response(dispatcher.bodyTooLarge(awsRequest, limit: bodyLimit), closing: true)
            }
            answer = await dispatcher.dispatch(awsRequest)
        }
        return response(answer, closing: false)
    }

    /// The HTTP answer to send for `answer`; `closing` marks it `Connection: close`, which
    /// ``RequestDeadlineHandler`` acts on.
    static func response(_ answer: AWSResponse, closing: Bool) -> Response {
        var fields = HTTPFields()
        for (name, value) in answer.headers {
            if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
        }
        if closing { fields[.connection] = "close" }
        return Response(status: .init(code: answer.status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }

    /// The Content-Length of `request`, when it sends one.
    static func declaredLength(of request: Request) -> Int? {
        request.headers[.contentLength].flatMap { Int($0) }
    }

    /// A request's head: its headers by lower-cased name, its raw path and query; the body is empty.
    static func head(of request: Request, requestID: String) -> AWSRequest {
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { "\($0),\(field.value)" } ?? field.value
        }
        if let authority = request.head.authority { headers["host"] = authority }
        return AWSRequest(
            method: request.method.rawValue,
            rawPath: request.uri.path,
            rawQuery: request.uri.query ?? "",
            headers: headers,
            body: [],
            requestID: requestID
        )
    }

    /// Reads a request whole: its head and its body (up to ``maximumBodySize``).
    static func collect(_ request: Request, requestID: String) async throws -> AWSRequest {
        var awsRequest = head(of: request, requestID: requestID)
        if let declared = declaredLength(of: request), declared > maximumBodySize {
            throw CloudError.requestTooLarge(limit: maximumBodySize)
        }
        do {
            awsRequest.body = try await request.body.collectBytes(upTo: maximumBodySize, declaredLength: declaredLength(of: request))
        } catch is NIOTooManyBytesError {
            throw CloudError.requestTooLarge(limit: maximumBodySize)
        }
        return awsRequest
    }

    /// `POST /kiln/test/clock?advance=SECONDS`: moves the server's clock forward and carries out
    /// the transitions that fall due, then answers the new time. Only a server started with
    /// `--enable-test-reset` has it, and only its clock moves.
    static func registerTestClock(on router: Router<BasicRequestContext>, cloud: Cloud) {
        router.post("/kiln/test/clock") { request, _ in
            guard let clock = cloud.clock as? OffsetClock else {
                return Response(status: .notFound, body: .init(byteBuffer: ByteBuffer(string: "this server's clock does not move\n")))
            }
            guard let seconds = request.uri.queryParameters.get("advance").flatMap(TimeInterval.init), seconds >= 0 else {
                return Response(status: .badRequest, body: .init(byteBuffer: ByteBuffer(string: "give advance=SECONDS, at least 0\n")))
            }
            clock.advance(by: seconds)
            try await cloud.applyDueTransitions()
            let body = #"{"now": "\#(Timestamp.iso8601(clock.now))"}"#
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
    }
}
