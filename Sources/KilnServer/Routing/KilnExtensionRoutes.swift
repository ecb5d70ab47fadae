import Foundation
import HTTPTypes
import Hummingbird
import KilnBlocks
import KilnCore
import KilnSigV4
import Logging
import NIOCore

/// Kiln's own routes under `/kiln/`: a volume's bytes, the storage report, and the store's
/// maintenance. They are signed like AWS requests (any service name), which gives the account
/// and region; answers and errors are JSON.
///
/// | route | what it does |
/// | --- | --- |
/// | `GET /kiln/volumes/{id}/data?offset=&length=` | reads a volume's bytes |
/// | `PUT /kiln/volumes/{id}/data?offset=` | writes the body into a volume |
/// | `GET /kiln/snapshots/{id}/digests` | the SHA-256 and XXH3-128 of each stored block, for incremental uploads |
/// | `PUT /kiln/buckets/{bucket}/{key}` | stores the body as an object (bundle parts and manifests) |
/// | `GET /kiln/buckets/{bucket}/{key}?offset=&length=` | reads an object (a stored image, say) |
/// | `GET /kiln/storage` | the caller's storage report |
/// | `GET /kiln/cost?days=` | the caller's cost report: per region and image, orphans, idle images |
/// | `GET /kiln/images/{id}/inspection` | what an image's (or a snapshot's) volumes hold: layout, findings, sizes |
/// | `POST /kiln/admin/gc` | garbage collection |
/// | `POST /kiln/admin/verify` | re-hashes every stored block |
/// | `POST /kiln/admin/backup?to=DIR` | copies the data directory, consistently, into DIR on the server's machine |
struct KilnExtensionRoutes {
    let cloud: Cloud
    /// The block store's garbage collection and verification.
    let maintenance: any BlockMaintenance
    /// The copy of the data directory that `kiln backup` asks for; `nil` when the server's
    /// state is not in one.
    let backup: DataDirectoryBackup?
    let authenticator: Authenticator
    /// Where unexpected errors are recorded, with the request id.
    let logger: Logger

    /// The most bytes one read may ask for.
    static let maximumRead = 64 << 20

    func register(on router: Router<BasicRequestContext>) {
        registerVolumeData(on: router)
        registerSnapshotDigests(on: router)
        registerBuckets(on: router)
        registerReports(on: router)
        registerAdmin(on: router)
    }

    /// Reading and writing a volume's bytes.
    private func registerVolumeData(on router: Router<BasicRequestContext>) {
        router.get("/kiln/volumes/:id/data") { request, context in
            try await answer(request, context) { caller, awsRequest, query in
                let id = context.parameters.get("id") ?? ""
                guard let offset = query["offset"].flatMap(Int.init), let length = query["length"].flatMap(Int.init),
                    (0...Self.maximumRead).contains(length)
                else {
                    throw CloudError.invalidParameterValue("offset and length (at most \(Self.maximumRead)) are required.")
                }
                let bytes = try await cloud.volumes.readVolume(caller, volumeID: id, offset: offset, length: length)
                return Response(status: .ok, headers: [.contentType: "application/octet-stream"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
            }
        }
        router.put("/kiln/volumes/:id/data") { request, context in
            try await answer(request, context) { caller, awsRequest, query in
                let id = context.parameters.get("id") ?? ""
                guard let offset = query["offset"].flatMap(Int.init) else { throw CloudError.missingParameter("offset") }
                try await cloud.volumes.writeVolume(caller, volumeID: id, offset: offset, data: awsRequest.body)
                return try json(["volumeId": id, "offset": String(offset), "written": String(awsRequest.body.count)])
            }
        }
    }

    /// A snapshot's block digests.
    private func registerSnapshotDigests(on router: Router<BasicRequestContext>) {
        router.get("/kiln/snapshots/:id/digests") { request, context in
            try await answer(request, context) { caller, _, _ in
                let (volumeSize, blocks) = try await cloud.snapshots.snapshotDigests(caller, id: context.parameters.get("id") ?? "")
                return try json(
                    SnapshotDigests(
                        volumeSize: volumeSize,
                        blocks: blocks.map {
                            SnapshotDigests.Entry(
                                index: $0.index,
                                sha256: Data($0.sha256).base64EncodedString(),
                                xxh3: $0.changeDigest.map { Data($0).base64EncodedString() }
                            )
                        }
                    )
                )
            }
        }
    }

    /// The bundle buckets' objects.
    private func registerBuckets(on router: Router<BasicRequestContext>) {
        router.put("/kiln/buckets/:bucket/**") { request, context in
            try await answer(request, context) { caller, awsRequest, _ in
                let bucket = context.parameters.get("bucket") ?? ""
                let key = context.parameters.getCatchAll().joined(separator: "/")
                try await cloud.bundles.putObject(caller, bucket: bucket, key: key, bytes: awsRequest.body)
                return try json(["bucket": bucket, "key": key, "size": String(awsRequest.body.count)])
            }
        }
        router.get("/kiln/buckets/:bucket/**") { request, context in
            try await answer(request, context) { caller, _, query in
                let bucket = context.parameters.get("bucket") ?? ""
                let key = context.parameters.getCatchAll().joined(separator: "/")
                let offset = query["offset"].flatMap(Int.init) ?? 0
                let length = min(query["length"].flatMap(Int.init) ?? Self.maximumRead, Self.maximumRead)
                let bytes = try await cloud.bundles.object(caller, bucket: bucket, key: key, offset: offset, length: length)
                return Response(status: .ok, headers: [.contentType: "application/octet-stream"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
            }
        }
    }

    /// Storage, cost and an image's inspection.
    private func registerReports(on router: Router<BasicRequestContext>) {
        router.get("/kiln/storage") { request, context in
            try await answer(request, context) { caller, _, _ in try json(await cloud.snapshots.storageReport(caller)) }
        }
        router.get("/kiln/cost") { request, context in
            try await answer(request, context) { caller, _, query in
                guard let days = Int(query["days"] ?? String(CostService.defaultIdleDays)) else {
                    throw CloudError.invalidParameterValue("days must be a whole number of days.")
                }
                return try json(try await cloud.cost.report(caller, idleDays: days))
            }
        }
        router.get("/kiln/images/:id/inspection") { request, context in
            try await answer(request, context) { caller, _, _ in
                try json(try await cloud.inspection.inspect(caller, id: context.parameters.get("id") ?? ""))
            }
        }
    }

    /// The store's maintenance: garbage collection, verification and backup.
    private func registerAdmin(on router: Router<BasicRequestContext>) {
        router.post("/kiln/admin/gc") { request, context in
            try await answer(request, context) { caller, _, _ in
                try requireAdmin(caller)
                return try json(try await maintenance.collectGarbage(alsoLive: await cloud.snapshots.blocksOfOpenUploads()))
            }
        }
        router.post("/kiln/admin/verify") { request, context in
            try await answer(request, context) { caller, _, _ in
                try requireAdmin(caller)
                return try json(try await maintenance.verify())
            }
        }
        router.post("/kiln/admin/backup") { request, context in
            try await answer(request, context) { caller, _, query in
                try requireAdmin(caller)
                guard let backup else { throw CloudError.backupUnsupported }
                guard let destination = query["to"], !destination.isEmpty else { throw CloudError.backupDestinationMissing }
                return try json(try await backup.copy(to: destination))
            }
        }
    }

    /// The store's maintenance spans every account: with `--auth strict` only accounts the
    /// configuration marks `"admin": true` may run it; in dev mode anyone may.
    private func requireAdmin(_ caller: Caller) throws {
        guard authenticator.mode == .strict else { return }
        guard cloud.identity.accounts[caller.account]?.admin == true else {
            throw CloudError.maintenanceNeedsAdmin
        }
    }

    /// Authenticates, runs `body`, and turns errors into JSON answers.
    private func answer(
        _ request: Request,
        _ context: BasicRequestContext,
        _ body: (Caller, AWSRequest, [String: String]) async throws -> Response
    ) async throws -> Response {
        let awsRequest: AWSRequest
        do {
            awsRequest = try await KilnApplication.collect(request, requestID: cloud.ids.requestID())
        } catch let refusal as CloudError {
            var response = error(OutgoingError(refusal, validationCode: "InvalidParameterValue"))
            response.headers[.connection] = "close"
            return response
        }
        let credential = AWSDispatcher.credential(of: awsRequest)
        let account: AccountID
        switch authenticator.authenticate(awsRequest, credential: credential) {
        case .success(let found): account = found
        case .failure(let problem): return error(OutgoingError.signatureProblem(problem))
        }
        let region = credential.map { RegionName($0.region) } ?? AWSDispatcher.fallbackRegion
        let caller = Caller(account: account, accessKeyID: credential?.accessKeyID ?? "", region: region)
        do {
            return try await body(caller, awsRequest, FormQuery(awsRequest.rawQuery).parameters)
        } catch {
            let outgoing = OutgoingError(error, validationCode: "InvalidParameterValue")
            if let unexpected = outgoing.unexpected {
                logger.error(
                    "unexpected error",
                    metadata: ["request_id": .string(awsRequest.requestID), "path": .string(awsRequest.rawPath), "error": .string(unexpected)]
                )
            }
            return self.error(outgoing)
        }
    }

    private func error(_ error: OutgoingError) -> Response {
        var response = (try? json(["Code": error.code, "Message": error.message])) ?? Response(status: .internalServerError)
        response.status = .init(code: error.status)
        return response
    }

    private func json(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(value)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// The answer of `GET /kiln/snapshots/{id}/digests`.
struct SnapshotDigests: Codable {
    struct Entry: Codable {
        var index: Int
        /// The block's SHA-256, base64.
        var sha256: String
        /// The block's XXH3-128 (``ChangeDigest``), base64; absent for blocks mapped before Kiln kept it.
        var xxh3: String?
    }

    var volumeSize: Int
    var blocks: [Entry]
}
