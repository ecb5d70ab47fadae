import Foundation
import HTTPTypes
import Hummingbird
import KilnCore
import KilnStore
import KilnWire
import Logging
import NIOCore

/// Assembles the Kiln service: the domain, its store, the fronts and the HTTP routes.
///
/// `kiln serve` and the tests share this assembly, so what the tests exercise is what runs.
public enum KilnApplication {
    /// The largest request body accepted: an EBS block (512 KiB) with room to spare.
    public static let maximumBodySize = 2 * 1024 * 1024

    /// The cloud `configuration` describes, with its state under the data directory.
    public static func makeCloud(_ configuration: ServerConfiguration) throws -> Cloud {
        let file = try configuration.configFile.map(ConfigFile.load(path:))
        let directory = URL(fileURLWithPath: configuration.dataDirectory, isDirectory: true)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("blocks"), withIntermediateDirectories: true)
        let store = try SQLiteMetadataStore(path: directory.appendingPathComponent("kiln.sqlite").path)
        let identity = IdentityDirectory(
            defaultAccount: configuration.defaultAccount ?? .defaultAccount,
            accounts: file?.accounts ?? [],
            organizations: file?.organizations ?? []
        )
        let regions = RegionCatalog(enabled: file?.regions.map { names in names.map { RegionName($0) } } ?? RegionCatalog.defaultEnabled)
        return Cloud(identity: identity, regions: regions, store: store, latency: configuration.latency)
    }

    /// The whole HTTP service for `configuration`, ready to run.
    public static func build(_ configuration: ServerConfiguration, logger: Logger) throws -> some ApplicationProtocol {
        let cloud = try makeCloud(configuration)
        let router = buildRouter(cloud: cloud, auth: configuration.auth, enableTestReset: configuration.enableTestReset, logger: logger)
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "kiln"),
            services: [TransitionRunner(cloud: cloud, logger: logger)],
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                logger.notice("listening on http://\(configuration.host):\(port)")
            },
            logger: logger
        )
    }

    /// The routes: `/health`, `/metrics`, the test reset, and every AWS request.
    public static func buildRouter(cloud: Cloud, auth: AuthMode, enableTestReset: Bool, logger: Logger) -> Router<BasicRequestContext> {
        let metrics = RequestMetrics()
        let dispatcher = AWSDispatcher(
            fronts: [
                EC2Front.make(cloud: cloud),
                STSFront.make(),
                // Services whose operations arrive with later work: they already answer in their own protocol.
                QueryFront(
                    signingName: AutoScaling.signingName,
                    dialect: .awsQuery,
                    xmlNamespace: AutoScaling.xmlNamespace,
                    modeledErrors: AutoScaling.modeledErrors,
                    operations: OperationTable()
                ),
                JSONFront(signingName: KMS.signingName, targetPrefix: KMS.targetPrefix, modeledErrors: KMS.modeledErrors, operations: OperationTable()),
                JSONFront(signingName: SSM.signingName, targetPrefix: SSM.targetPrefix, modeledErrors: SSM.modeledErrors, operations: OperationTable()),
                RESTJSONFront(signingName: EBS.signingName, modeledErrors: EBS.modeledErrors, operations: OperationTable()),
            ],
            authenticator: Authenticator(mode: auth, identity: cloud.identity, clock: cloud.clock),
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
        if enableTestReset {
            router.post("/moto-api/reset") { _, _ in
                try await cloud.reset()
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"status": "ok"}"#)))
            }
            for method in [HTTPRequest.Method.get, .put, .delete, .patch] {
                router.on("/moto-api/reset", method: method) { _, _ in
                    Response(status: .badRequest, body: .init(byteBuffer: ByteBuffer(string: "reset takes POST\n")))
                }
            }
        }
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            try await respond(to: request, with: dispatcher, requestID: cloud.ids.requestID())
        }
        for method in [HTTPRequest.Method.get, .post, .put, .delete, .head, .patch] {
            router.on("/", method: method, use: handler)
            router.on("**", method: method, use: handler)
        }
        return router
    }

    /// Collects the body, hands the request to the dispatcher, and writes its answer.
    static func respond(to request: Request, with dispatcher: AWSDispatcher, requestID: String) async throws -> Response {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maximumBodySize)
        } catch {
            return Response(status: .contentTooLarge, body: .init(byteBuffer: ByteBuffer(string: "request body over \(maximumBodySize) bytes\n")))
        }
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { "\($0),\(field.value)" } ?? field.value
        }
        if let authority = request.head.authority { headers["host"] = authority }
        let awsRequest = AWSRequest(
            method: request.method.rawValue,
            rawPath: request.uri.path,
            rawQuery: request.uri.query ?? "",
            headers: headers,
            body: Array(body.readableBytesView),
            requestID: requestID
        )
        let answer = await dispatcher.dispatch(awsRequest)
        var fields = HTTPFields()
        for (name, value) in answer.headers {
            if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
        }
        return Response(status: .init(code: answer.status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}
