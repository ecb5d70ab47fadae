import Foundation
import HTTPTypes
import HummingbirdTesting
import KilnCore
import KilnServer
import KilnSigV4
import NIOCore
import Testing

@testable import KilnTestSupport

/// Our SigV4 signatures against those computed by botocore 1.43.11's SigV4Auth at 2026-01-01T00:00:00Z with the key
/// AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY: an independent implementation to check ours against.
@Suite("SigV4", .timeLimit(.minutes(2)))
struct AuthenticationTests {
    @Test("Our signature of a form POST matches botocore's")
    func formPost() throws {
        let request = AWSRequest(
            method: "POST",
            rawPath: "/",
            rawQuery: "",
            headers: [
                "content-type": "application/x-www-form-urlencoded; charset=utf-8", "host": "127.0.0.1:8787", "x-amz-date": "20260101T000000Z",
            ],
            body: Array(Botocore.ec2Body.utf8),
            requestID: "r"
        )
        let credential = try #require(SigV4Credential(authorizationHeader: Botocore.ec2Authorization))
        #expect(credential.service == "ec2")
        #expect(credential.region == "eu-west-1")
        let signature = SigV4Signer.signature(
            for: request.signable,
            credential: credential,
            secret: Botocore.secret,
            amzDate: "20260101T000000Z",
            payloadHash: SigV4Signer.hexSHA256(request.body)
        )
        #expect(signature == credential.signature)
    }

    @Test("Our signature of a GET with a query string matches botocore's")
    func getWithQuery() throws {
        let request = AWSRequest(
            method: "GET",
            rawPath: "/snapshots/snap-0123456789abcdef0/blocks",
            rawQuery: "maxResults=100&startingBlockIndex=2",
            headers: ["host": "127.0.0.1:8787", "x-amz-date": "20260101T000000Z"],
            body: [],
            requestID: "r"
        )
        let credential = try #require(
            SigV4Credential(
                authorizationHeader:
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/ebs/aws4_request, SignedHeaders=host;x-amz-date, Signature=687f9be65deafd4f2659e815c5ae0c6e3ca9203ae4521a7e40ebf06e1f4c7c1e"
            )
        )
        let signature = SigV4Signer.signature(
            for: request.signable,
            credential: credential,
            secret: Botocore.secret,
            amzDate: "20260101T000000Z",
            payloadHash: SigV4Signer.hexSHA256([UInt8]())
        )
        #expect(signature == credential.signature)
    }
}
