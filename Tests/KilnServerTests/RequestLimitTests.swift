import Foundation
import KilnCore
import KilnSigV4
import Logging
import Testing

@testable import KilnServer
@testable import KilnTestSupport

/// Requests decided from their head alone: bodies over their operation's limit and blocks for
/// snapshots that cannot take them are refused before the body is read.
@Suite("Request limits", .timeLimit(.minutes(2)))
struct RequestLimitTests {
    func dispatcher(_ cloud: Cloud, auth: AuthMode = .dev) -> AWSDispatcher {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return AWSDispatcher(
            fronts: [EBSFront.make(snapshots: cloud.snapshots), EC2Front.make(cloud: cloud, hygieneCheck: .off)],
            authenticator: Authenticator(mode: auth, identity: cloud.identity, clock: cloud.clock),
            metrics: RequestMetrics(),
            logger: logger
        )
    }

    func blockHead(_ snapshotID: String, service: String = "ebs") -> AWSRequest {
        AWSRequest(
            method: "PUT",
            rawPath: "/snapshots/\(snapshotID)/blocks/0",
            rawQuery: "",
            headers: [
                "host": "127.0.0.1",
                "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
                "authorization":
                    "AWS4-HMAC-SHA256 Credential=111111111111/20260101/us-east-1/\(service)/aws4_request, SignedHeaders=host, Signature=00",
            ],
            body: [],
            requestID: "r"
        )
    }

    @Test("A block declared over 512 KiB is refused with 413 RequestEntityTooLarge before its body is read")
    func oversizedBlock() async throws {
        let (cloud, _) = try makeTestCloud()
        let (snapshot, _) = try await cloud.snapshots.startSnapshot(testCaller(), DirectUploadRequest(volumeSize: 1, tags: []))
        let decision = await dispatcher(cloud).admit(blockHead(snapshot.id), declaredLength: Block.size + 1)
        guard case .refuse(let answer) = decision else {
            Issue.record("the oversized block was admitted")
            return
        }
        #expect(answer.status == 413)
        #expect(answer.errorCode == "RequestEntityTooLarge")
        #expect(answer.operation == "PutSnapshotBlock")
        guard case .read(let limit) = await dispatcher(cloud).admit(blockHead(snapshot.id), declaredLength: Block.size) else {
            Issue.record("a block of the right size for an open upload was refused")
            return
        }
        #expect(limit == Block.size)
    }

    @Test("A block for a snapshot that does not exist, or of another account, is refused before its body is read")
    func unknownSnapshot() async throws {
        let (cloud, _) = try makeTestCloud()
        let (snapshot, _) = try await cloud.snapshots.startSnapshot(testCaller(account: "222222222222"), DirectUploadRequest(volumeSize: 1, tags: []))
        for id in ["snap-0123456789abcdef0", snapshot.id] {
            guard case .refuse(let answer) = await dispatcher(cloud).admit(blockHead(id), declaredLength: Block.size) else {
                Issue.record("a block for \(id) was admitted")
                continue
            }
            #expect(answer.status == 404, "\(id): \(answer.status) \(answer.errorCode ?? "-")")
            #expect(answer.errorCode == "ResourceNotFoundException")
        }
    }

    @Test("Query requests take the default limit; a larger declared body is refused in EC2's envelope")
    func queryLimit() async throws {
        let (cloud, _) = try makeTestCloud()
        var head = blockHead("x", service: "ec2")
        head.method = "POST"
        head.rawPath = "/"
        guard case .refuse(let answer) = await dispatcher(cloud).admit(head, declaredLength: OperationTable.defaultBodyLimit + 1) else {
            Issue.record("the oversized query request was admitted")
            return
        }
        #expect(answer.status == 413)
        #expect(String(decoding: answer.body, as: UTF8.self).contains("<Code>RequestEntityTooLarge</Code>"))
        guard case .read = await dispatcher(cloud).admit(head, declaredLength: 4096) else {
            Issue.record("a small query request was refused")
            return
        }
    }
}
