import Foundation
import HTTPTypes
import HummingbirdTesting
import KilnCore
import KilnServer
import KilnSigV4
import NIOCore
import Testing

@testable import KilnTestSupport

/// Signatures computed by botocore 1.43.11's SigV4Auth at 2026-01-01T00:00:00Z with the key
/// AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY: an independent implementation to check ours against.
/// Strict authentication over the server, with the same botocore signatures.
@Suite("Strict authentication", .timeLimit(.minutes(2)))
struct StrictAuthenticationTests {
    @Test("Strict mode accepts the right signature and refuses a wrong one, an unknown key and a stale date")
    func strictMode() throws {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_767_225_600 + 60))
        let authenticator = Authenticator(mode: .strict, identity: Botocore.identity(), clock: clock)
        let good = strictRequest(authorization: Botocore.ec2Authorization)
        #expect(
            try authenticator.authenticate(good, credential: SigV4Credential(authorizationHeader: Botocore.ec2Authorization)).get().rawValue
                == "111111111111"
        )

        let tampered = Botocore.ec2Authorization.replacingOccurrences(of: "Signature=e0", with: "Signature=f0")
        let mismatch = authenticator.authenticate(strictRequest(authorization: tampered), credential: SigV4Credential(authorizationHeader: tampered))
        #expect(mismatch == .failure(.signatureMismatch))

        let unknownKey = Botocore.ec2Authorization.replacingOccurrences(of: "AKIDEXAMPLE", with: "AKIDOTHER")
        #expect(authenticator.authenticate(good, credential: SigV4Credential(authorizationHeader: unknownKey)) == .failure(.unknownAccessKey))

        clock.advance(by: 20 * 60)
        #expect(
            authenticator.authenticate(good, credential: SigV4Credential(authorizationHeader: Botocore.ec2Authorization))
                == .failure(.expired(signedAt: "20260101T000000Z"))
        )
    }

    @Test("Over HTTP, strict mode answers AuthFailure for EC2 and SignatureDoesNotMatch for STS")
    func strictOverHTTP() async throws {
        let (cloud, _) = try makeTestCloud(identity: Botocore.identity())
        try await withKiln(cloud: cloud, auth: .strict) { client in
            let ec2 = try await client.post("Action=DescribeRegions&Version=2016-11-15", headers: queryHeaders(accessKey: "AKIDEXAMPLE"))
            #expect(ec2.status == 401)
            #expect(ec2.body.contains("<Code>AuthFailure</Code>"))
            let sts = try await client.post(
                "Action=GetCallerIdentity&Version=2011-06-15",
                headers: queryHeaders(service: "sts", accessKey: "AKIDOTHER")
            )
            #expect(sts.status == 403)
            #expect(sts.body.contains("<Code>InvalidClientTokenId</Code>"))
            var unsigned = HTTPFields()
            unsigned[.contentType] = "application/x-www-form-urlencoded"
            let anonymous = try await client.post("Action=DescribeRegions&Version=2016-11-15", headers: unsigned)
            #expect(anonymous.status == 401)
        }
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
            body: Array(Botocore.ec2Body.utf8),
            requestID: "r"
        )
    }
}

/// The signature's time window and the signed payload hash, in strict mode.
@Suite("Strict authentication: time window and payload hash")
struct StrictWindowTests {
    let signedAt = Date(timeIntervalSince1970: 1_767_225_600)

    func signed(body: [UInt8], at date: Date, signPayload: Bool = true) -> (AWSRequest, SigV4Credential?) {
        let signable = SignableRequest(method: "POST", rawPath: "/", rawQuery: "", headers: ["host": "127.0.0.1:8787"])
        var headers = signable.headers
        for (name, value) in SigV4Signer.signingHeaders(
            for: signable,
            body: body,
            signPayload: signPayload,
            accessKeyID: "AKIDEXAMPLE",
            secret: Botocore.secret,
            region: "us-east-1",
            service: "ec2",
            date: date
        ) {
            headers[name.lowercased()] = value
        }
        let request = AWSRequest(method: "POST", rawPath: "/", rawQuery: "", headers: headers, body: body, requestID: "r")
        return (request, headers["authorization"].flatMap(SigV4Credential.init(authorizationHeader:)))
    }

    @Test(
        "Requests signed up to 15 minutes either side of now pass; beyond, they are expired",
        arguments: [(-14 * 60, true), (14 * 60, true), (-15 * 60, true), (-(15 * 60 + 1), false), (15 * 60 + 1, false), (-86_400, false)]
    )
    func window(offset: Int, passes: Bool) throws {
        let clock = ManualClock(signedAt.addingTimeInterval(TimeInterval(-offset)))
        let authenticator = Authenticator(mode: .strict, identity: Botocore.identity(), clock: clock)
        let (request, credential) = signed(body: Array("Action=DescribeRegions&Version=2016-11-15".utf8), at: signedAt)
        let result = authenticator.authenticate(request, credential: credential)
        if passes {
            #expect(try result.get().rawValue == "111111111111")
        } else {
            #expect(result == .failure(.expired(signedAt: SigV4Signer.formatAmzDate(signedAt))))
        }
    }

    @Test("A hex X-Amz-Content-SHA256 must be the body's hash; UNSIGNED-PAYLOAD takes any body")
    func payloadHash() throws {
        let clock = ManualClock(signedAt)
        let authenticator = Authenticator(mode: .strict, identity: Botocore.identity(), clock: clock)
        let body = Array("Action=DescribeRegions&Version=2016-11-15".utf8)
        var (request, credential) = signed(body: body, at: signedAt)
        #expect(try authenticator.authenticate(request, credential: credential).get().rawValue == "111111111111")
        request.body = Array("Action=DescribeRegions&Version=2016-11-16".utf8)
        #expect(authenticator.authenticate(request, credential: credential) == .failure(.payloadHashMismatch))
        #expect(authenticator.canDecide(beforeBodyOf: request, credential: credential))
        #expect(try authenticator.authenticate(request, credential: credential, checkingPayload: false).get().rawValue == "111111111111")

        var (unsigned, unsignedCredential) = signed(body: body, at: signedAt, signPayload: false)
        unsigned.body = Array("anything at all".utf8)
        #expect(try authenticator.authenticate(unsigned, credential: unsignedCredential).get().rawValue == "111111111111")

        var bare = request
        bare.headers["x-amz-content-sha256"] = nil
        #expect(!authenticator.canDecide(beforeBodyOf: bare, credential: credential), "without the header the signature covers the body")
    }
}
