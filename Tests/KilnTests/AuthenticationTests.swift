import Foundation
import HTTPTypes
import HummingbirdTesting
import KilnCore
import KilnSigV4
import KilnServer
import NIOCore
import Testing

/// Signatures computed by botocore 1.43.11's SigV4Auth at 2026-01-01T00:00:00Z with the key
/// AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY: an independent implementation to check ours against.
@Suite("SigV4")
struct AuthenticationTests {
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let ec2Body = "Action=DescribeRegions&Version=2016-11-15&RegionName.1=eu-west-1"
    static let ec2Authorization =
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/eu-west-1/ec2/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=e0221b9b668e4d2bd7854581a426af5eec7d5ff0289847a6d8dd85ab089ed2ad"

    static func identity() -> IdentityDirectory {
        IdentityDirectory(accounts: [
            .init(id: AccountID("111111111111") ?? .defaultAccount, accessKeys: [.init(accessKeyId: "AKIDEXAMPLE", secretAccessKey: secret)])
        ])
    }

    @Test("Our signature of a form POST matches botocore's")
    func formPost() throws {
        let request = AWSRequest(
            method: "POST",
            rawPath: "/",
            rawQuery: "",
            headers: ["content-type": "application/x-www-form-urlencoded; charset=utf-8", "host": "127.0.0.1:8787", "x-amz-date": "20260101T000000Z"],
            body: Array(Self.ec2Body.utf8),
            requestID: "r"
        )
        let credential = try #require(SigV4Credential(authorizationHeader: Self.ec2Authorization))
        #expect(credential.service == "ec2")
        #expect(credential.region == "eu-west-1")
        let signature = SigV4Signer.signature(
            for: request.signable,
            credential: credential,
            secret: Self.secret,
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
            secret: Self.secret,
            amzDate: "20260101T000000Z",
            payloadHash: SigV4Signer.hexSHA256([UInt8]())
        )
        #expect(signature == credential.signature)
    }

    func strictRequest(authorization: String, date: String = "20260101T000000Z") -> AWSRequest {
        AWSRequest(
            method: "POST",
            rawPath: "/",
            rawQuery: "",
            headers: [
                "content-type": "application/x-www-form-urlencoded; charset=utf-8", "host": "127.0.0.1:8787", "x-amz-date": date,
                "authorization": authorization,
            ],
            body: Array(Self.ec2Body.utf8),
            requestID: "r"
        )
    }

    @Test("Strict mode accepts the right signature and refuses a wrong one, an unknown key and a stale date")
    func strictMode() throws {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_767_225_600 + 60))
        let authenticator = Authenticator(mode: .strict, identity: Self.identity(), clock: clock)
        let good = strictRequest(authorization: Self.ec2Authorization)
        #expect(try authenticator.authenticate(good, credential: SigV4Credential(authorizationHeader: Self.ec2Authorization)).get().rawValue == "111111111111")

        let tampered = Self.ec2Authorization.replacingOccurrences(of: "Signature=e0", with: "Signature=f0")
        let mismatch = authenticator.authenticate(strictRequest(authorization: tampered), credential: SigV4Credential(authorizationHeader: tampered))
        #expect(mismatch == .failure(.signatureMismatch))

        let unknownKey = Self.ec2Authorization.replacingOccurrences(of: "AKIDEXAMPLE", with: "AKIDOTHER")
        #expect(authenticator.authenticate(good, credential: SigV4Credential(authorizationHeader: unknownKey)) == .failure(.unknownAccessKey))

        clock.advance(by: 20 * 60)
        #expect(
            authenticator.authenticate(good, credential: SigV4Credential(authorizationHeader: Self.ec2Authorization))
                == .failure(.expired(signedAt: "20260101T000000Z"))
        )
    }

    @Test("Over HTTP, strict mode answers AuthFailure for EC2 and SignatureDoesNotMatch for STS")
    func strictOverHTTP() async throws {
        let (cloud, _) = try makeTestCloud(identity: Self.identity())
        try await withKiln(cloud: cloud, auth: .strict) { client in
            let ec2 = try await client.post("Action=DescribeRegions&Version=2016-11-15", headers: queryHeaders(accessKey: "AKIDEXAMPLE"))
            #expect(ec2.status == 401)
            #expect(ec2.body.contains("<Code>AuthFailure</Code>"))
            let sts = try await client.post("Action=GetCallerIdentity&Version=2011-06-15", headers: queryHeaders(service: "sts", accessKey: "AKIDOTHER"))
            #expect(sts.status == 403)
            #expect(sts.body.contains("<Code>InvalidClientTokenId</Code>"))
            var unsigned = HTTPFields()
            unsigned[.contentType] = "application/x-www-form-urlencoded"
            let anonymous = try await client.post("Action=DescribeRegions&Version=2016-11-15", headers: unsigned)
            #expect(anonymous.status == 401)
        }
    }
}
