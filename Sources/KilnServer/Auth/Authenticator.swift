import Foundation
import KilnCore
import KilnSigV4
import KilnWire

/// How strictly requests are authenticated.
package enum AuthMode: String, Sendable, CaseIterable {
    /// Any signature is accepted; the access key still chooses the account. For local development.
    case dev
    /// Signatures are verified against the secrets of the configured access keys.
    case strict
}

/// Why a request could not be authenticated. Each front answers with its service's code.
package enum AuthProblem: Error, Sendable, Equatable {
    /// No signature at all.
    case missingSignature
    /// A signature that could not be read.
    case malformedSignature
    /// An access key the configuration does not declare.
    case unknownAccessKey
    /// A signature that does not match the request.
    case signatureMismatch
    /// A request signed too far from now, or a presigned URL past its expiry.
    case expired(signedAt: String)
    /// A signed `X-Amz-Content-SHA256` that is not the SHA-256 of the body that came.
    case payloadHashMismatch
}

/// Establishes which account a request acts as, and in strict mode that its signature is right.
package struct Authenticator: Sendable {
    /// How far a request's signing time may be from now.
    package static let allowedSkew: TimeInterval = 15 * 60

    /// The mode.
    package let mode: AuthMode
    private let identity: IdentityDirectory
    private let clock: any Clock

    /// An authenticator for `identity`'s keys.
    package init(mode: AuthMode, identity: IdentityDirectory, clock: any Clock) {
        self.mode = mode
        self.identity = identity
        self.clock = clock
    }

    /// Whether `authenticate` can decide on `head` before its body is read: in dev mode, and
    /// in strict mode when the signature covers a declared payload hash rather than the body.
    package func canDecide(beforeBodyOf head: AWSRequest, credential: SigV4Credential?) -> Bool {
        mode == .dev || credential == nil || credential?.isPresigned == true || head.headers["x-amz-content-sha256"] != nil
    }

    /// The account `request` acts as; in strict mode, only if its signature verifies and, when
    /// `checkingPayload`, a hex `X-Amz-Content-SHA256` is the SHA-256 of the body.
    package func authenticate(
        _ request: AWSRequest,
        credential: SigV4Credential?,
        checkingPayload: Bool = true
    ) -> Result<AccountID, AuthProblem> {
        guard let credential else {
            if mode == .dev { return .success(identity.defaultAccount) }
            let hasAttempt = request.headers["authorization"] != nil || request.rawQuery.contains("X-Amz-Credential")
            return .failure(hasAttempt ? .malformedSignature : .missingSignature)
        }
        let account = identity.account(forAccessKey: credential.accessKeyID)
        guard mode == .strict else { return .success(account) }

        guard let secret = identity.secret(forAccessKey: credential.accessKeyID) else { return .failure(.unknownAccessKey) }
        let query = FormQuery(request.rawQuery)
        guard let amzDate = credential.isPresigned ? query["X-Amz-Date"] : request.headers["x-amz-date"],
            let signedAt = Self.parseAmzDate(amzDate)
        else { return .failure(.malformedSignature) }
        let now = clock.now
        if credential.isPresigned {
            let expires = query["X-Amz-Expires"].flatMap(TimeInterval.init) ?? 900
            if signedAt.timeIntervalSince(now) > Self.allowedSkew || now.timeIntervalSince(signedAt) > expires {
                return .failure(.expired(signedAt: amzDate))
            }
        } else if abs(now.timeIntervalSince(signedAt)) > Self.allowedSkew {
            return .failure(.expired(signedAt: amzDate))
        }
        let payloadHash =
            request.headers["x-amz-content-sha256"] ?? (credential.isPresigned ? "UNSIGNED-PAYLOAD" : SigV4Signer.hexSHA256(request.body))
        let expected = SigV4Signer.signature(
            for: request.signable,
            credential: credential,
            secret: secret,
            amzDate: amzDate,
            payloadHash: payloadHash
        )
        guard Self.constantTimeEquals(expected, credential.signature) else { return .failure(.signatureMismatch) }
        if checkingPayload, let declared = request.headers["x-amz-content-sha256"], Self.isHexHash(declared),
            declared.lowercased() != SigV4Signer.hexSHA256(request.body)
        {
            return .failure(.payloadHashMismatch)
        }
        return .success(account)
    }

    /// Whether `text` is a hex SHA-256 (rather than `UNSIGNED-PAYLOAD` or a streaming marker).
    static func isHexHash(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) || (65...70).contains($0) }
    }

    /// Reads `20260101T000000Z`.
    static func parseAmzDate(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z") else { return nil }
        let iso =
            String(decoding: bytes[0..<4], as: UTF8.self) + "-" + String(decoding: bytes[4..<6], as: UTF8.self) + "-"
            + String(decoding: bytes[6..<8], as: UTF8.self) + "T" + String(decoding: bytes[9..<11], as: UTF8.self) + ":"
            + String(decoding: bytes[11..<13], as: UTF8.self) + ":" + String(decoding: bytes[13..<15], as: UTF8.self) + "Z"
        return Timestamp.parseISO8601(iso)
    }

    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
