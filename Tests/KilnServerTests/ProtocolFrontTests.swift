import Foundation
import KilnCore
import KilnServer
import KilnWire
import Testing

@testable import KilnTestSupport

/// The JSON 1.1 and REST-JSON fronts, driven by generated shapes with handlers registered here.
@Suite("JSON and REST-JSON fronts", .timeLimit(.minutes(2)))
struct ProtocolFrontTests {
    func request(method: String = "POST", path: String = "/", query: String = "", headers: [String: String], body: [UInt8]) -> AWSRequest {
        AWSRequest(method: method, rawPath: path, rawQuery: query, headers: headers, body: body, requestID: "req-1")
    }

    @Test("JSON 1.1: X-Amz-Target picks the operation; output and errors are JSON with __type")
    func json() async throws {
        var operations = OperationTable()
        operations.on(SSM.GetParameter.self) { input, _ in
            guard input.name.hasPrefix("/aws/") else { throw CloudError("ParameterNotFound", "Parameter \(input.name) not found.") }
            return SSM.GetParameterResult(parameter: SSM.Parameter(name: input.name, type: .string, value: "ami-1", version: 3))
        }
        let front = JSONFront(signingName: "ssm", targetPrefix: SSM.targetPrefix, modeledErrors: SSM.modeledErrors, operations: operations)
        let caller = testCaller()
        let found = await front.respond(
            to: request(headers: ["x-amz-target": "AmazonSSM.GetParameter"], body: Array(#"{"Name": "/aws/service/x"}"#.utf8)),
            caller: caller
        )
        #expect(found.status == 200)
        #expect(
            String(decoding: found.body, as: UTF8.self) == #"{"Parameter":{"Name":"/aws/service/x","Type":"String","Value":"ami-1","Version":3}}"#
        )
        let missing = await front.respond(
            to: request(headers: ["x-amz-target": "AmazonSSM.GetParameter"], body: Array(#"{"Name": "/mine"}"#.utf8)),
            caller: caller
        )
        #expect(missing.status == 400)
        #expect(String(decoding: missing.body, as: UTF8.self) == #"{"__type":"ParameterNotFound","message":"Parameter /mine not found."}"#)
        let invalid = await front.respond(to: request(headers: ["x-amz-target": "AmazonSSM.GetParameter"], body: Array("{}".utf8)), caller: caller)
        #expect(String(decoding: invalid.body, as: UTF8.self).contains(#""__type":"ValidationException""#))
        let unknown = await front.respond(to: request(headers: ["x-amz-target": "AmazonSSM.Nope"], body: []), caller: caller)
        #expect(unknown.errorCode == "UnknownOperationException")
    }

    @Test("REST-JSON: method and path pick the operation; labels, query and headers fill the input; blobs travel raw")
    func rest() async throws {
        var operations = OperationTable()
        operations.on(EBS.ListSnapshotBlocks.self) { input, _ in
            EBS.ListSnapshotBlocksResponse(
                blockSize: 524_288,
                blocks: [EBS.Block(blockIndex: input.startingBlockIndex ?? 0, blockToken: input.snapshotId)],
                volumeSize: input.maxResults
            )
        }
        operations.on(EBS.GetSnapshotBlock.self) { input, _ in
            guard input.blockIndex == 1 else { throw CloudError("ResourceNotFoundException", "no block", reason: "SNAPSHOT_NOT_FOUND") }
            return EBS.GetSnapshotBlockResponse(blockData: Blob([9, 8, 7]), checksum: "c", checksumAlgorithm: .sha256, dataLength: 3)
        }
        let front = RESTJSONFront(signingName: "ebs", modeledErrors: EBS.modeledErrors, operations: operations)
        let caller = testCaller()
        let listed = await front.respond(
            to: request(
                method: "GET",
                path: "/snapshots/snap-0123456789abcdef0/blocks",
                query: "maxResults=100&startingBlockIndex=2",
                headers: [:],
                body: []
            ),
            caller: caller
        )
        #expect(listed.status == 200)
        #expect(
            String(decoding: listed.body, as: UTF8.self)
                == #"{"BlockSize":524288,"Blocks":[{"BlockIndex":2,"BlockToken":"snap-0123456789abcdef0"}],"VolumeSize":100}"#
        )
        let block = await front.respond(
            to: request(method: "GET", path: "/snapshots/snap-0123456789abcdef0/blocks/1", query: "blockToken=t", headers: [:], body: []),
            caller: caller
        )
        #expect(block.body == [9, 8, 7])
        #expect(block.headers.contains { $0.0 == "x-amz-Data-Length" && $0.1 == "3" })
        let notFound = await front.respond(
            to: request(method: "GET", path: "/snapshots/snap-0123456789abcdef0/blocks/5", query: "blockToken=t", headers: [:], body: []),
            caller: caller
        )
        #expect(notFound.status == 404, "the model gives ResourceNotFoundException its status")
        #expect(notFound.headers.contains { $0.0 == "x-amzn-ErrorType" && $0.1 == "ResourceNotFoundException" })
        #expect(String(decoding: notFound.body, as: UTF8.self) == #"{"Message":"no block","Reason":"SNAPSHOT_NOT_FOUND"}"#)
        let noRoute = await front.respond(to: request(method: "DELETE", path: "/snapshots", headers: [:], body: []), caller: caller)
        #expect(noRoute.status == 404)
    }
}
