import Crypto
import Foundation
import KilnWire

/// What a signature covers: the method, the path and query as sent, and the headers by lower-cased name.
package struct SignableRequest: Sendable {
    /// `GET`, `POST`, `PUT`…
    package var method: String
    /// The path as sent, percent-encoded.
    package var rawPath: String
    /// The query string as sent, without `?`.
    package var rawQuery: String
    /// Headers by lower-cased name; `host` included.
    package var headers: [String: String]

    /// Describes a request to sign or check.
    package init(method: String, rawPath: String, rawQuery: String, headers: [String: String]) {
        self.method = method
        self.rawPath = rawPath
        self.rawQuery = rawQuery
        self.headers = headers
    }
}

/// Computes Signature Version 4 signatures, as AWS's SDKs do, so that the server can check them.
package enum SigV4Signer {
    /// The hex SHA-256 of `bytes`: the payload hash of a request.
    package static func hexSHA256(_ bytes: some DataProtocol) -> String {
        hex(SHA256.hash(data: bytes))
    }

    /// The signature of `request` under `secret`, for the scope and headers `credential` names.
    ///
    /// - Parameters:
    ///   - amzDate: the request's `X-Amz-Date` (`20260101T000000Z`).
    ///   - payloadHash: `X-Amz-Content-SHA256`, `UNSIGNED-PAYLOAD`, or the body's hash.
    package static func signature(
        for request: SignableRequest,
        credential: SigV4Credential,
        secret: String,
        amzDate: String,
        payloadHash: String
    ) -> String {
        let canonical = canonicalRequest(request, credential: credential, payloadHash: payloadHash)
        let stringToSign = [
            "AWS4-HMAC-SHA256", amzDate, credential.scope, hexSHA256(Array(canonical.utf8)),
        ].joined(separator: "\n")
        var key = SymmetricKey(data: Array("AWS4\(secret)".utf8))
        for part in [credential.date, credential.region, credential.service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
    }

    /// The canonical request: method, path, query, signed headers and payload hash, one per line.
    static func canonicalRequest(_ request: SignableRequest, credential: SigV4Credential, payloadHash: String) -> String {
        let path = request.rawPath.isEmpty ? "/" : uriEncode(request.rawPath, keepingSlashes: true)
        var pairs: [(String, String)] = []
        for pair in request.rawQuery.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = FormInput.decode(Array(parts[0].utf8), plusAsSpace: false)
            if credential.isPresigned, key == "X-Amz-Signature" { continue }
            let value = parts.count > 1 ? FormInput.decode(Array(parts[1].utf8), plusAsSpace: false) : ""
            pairs.append((uriEncode(key, keepingSlashes: false), uriEncode(value, keepingSlashes: false)))
        }
        pairs.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        let query = pairs.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        let headers = credential.signedHeaders.map { name in
            "\(name):\(canonicalHeaderValue(request.headers[name] ?? ""))\n"
        }.joined()
        return [request.method, path, query, headers, credential.signedHeaders.joined(separator: ";"), payloadHash]
            .joined(separator: "\n")
    }

    /// The headers that sign a client's request: `Authorization`, `X-Amz-Date` and
    /// `X-Amz-Content-SHA256` (the body's hash, or `UNSIGNED-PAYLOAD` when `signPayload` is false).
    /// `request.headers` must hold `host` and every other header to sign, by lower-cased name.
    package static func signingHeaders(
        for request: SignableRequest,
        body: [UInt8],
        signPayload: Bool = true,
        accessKeyID: String,
        secret: String,
        region: String,
        service: String,
        date: Date
    ) -> [(String, String)] {
        let amzDate = formatAmzDate(date)
        let payloadHash = signPayload ? hexSHA256(body) : "UNSIGNED-PAYLOAD"
        var request = request
        request.headers["x-amz-date"] = amzDate
        request.headers["x-amz-content-sha256"] = payloadHash
        let signed = request.headers.keys.sorted()
        let credential = SigV4Credential(
            accessKeyID: accessKeyID,
            date: String(amzDate.prefix(8)),
            region: region,
            service: service,
            signedHeaders: signed,
            signature: "",
            isPresigned: false
        )
        let signature = Self.signature(for: request, credential: credential, secret: secret, amzDate: amzDate, payloadHash: payloadHash)
        let authorization =
            "AWS4-HMAC-SHA256 Credential=\(accessKeyID)/\(credential.scope), SignedHeaders=\(signed.joined(separator: ";")), Signature=\(signature)"
        return [("Authorization", authorization), ("X-Amz-Date", amzDate), ("X-Amz-Content-SHA256", payloadHash)]
    }

    /// `20260101T000000Z`.
    package static func formatAmzDate(_ date: Date) -> String {
        let iso = Timestamp.iso8601(date)  // 2026-01-01T00:00:00.000Z
        return iso.prefix(19).filter { $0 != "-" && $0 != ":" } + "Z"
    }

    /// Trims the value and folds runs of spaces into one, as SigV4 asks.
    static func canonicalHeaderValue(_ value: String) -> String {
        var result = ""
        var lastWasSpace = false
        for character in value.trimmingSpaces {
            if character == " " || character == "\t" {
                if !lastWasSpace { result.append(" ") }
                lastWasSpace = true
            } else {
                result.append(character)
                lastWasSpace = false
            }
        }
        return result
    }

    /// RFC 3986 percent-encoding: unreserved characters stay, everything else is `%XX`.
    package static func uriEncode(_ text: String, keepingSlashes: Bool) -> String {
        let hexDigits = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                output.append(byte)
            case UInt8(ascii: "/") where keepingSlashes:
                output.append(byte)
            default:
                output.append(UInt8(ascii: "%"))
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var output: [UInt8] = []
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }
}
