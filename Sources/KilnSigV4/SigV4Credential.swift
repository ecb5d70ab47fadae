/// The parts of a Signature Version 4 signature that say who signed, where and for what.
///
/// They come from the `Authorization` header
/// (`AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/ec2/aws4_request, SignedHeaders=…, Signature=…`)
/// or, for presigned URLs, from the `X-Amz-Credential`, `X-Amz-SignedHeaders` and `X-Amz-Signature`
/// query parameters.
package struct SigV4Credential: Sendable, Equatable {
    /// The access key id.
    package var accessKeyID: String
    /// The scope's date, `YYYYMMDD`.
    package var date: String
    /// The scope's region: the region the request is served in.
    package var region: String
    /// The scope's service: which front answers.
    package var service: String
    /// The lower-cased names of the signed headers, in order.
    package var signedHeaders: [String]
    /// The hex signature.
    package var signature: String
    /// Whether it came from the query string (a presigned URL).
    package var isPresigned: Bool

    /// The credential scope, `date/region/service/aws4_request`.
    package var scope: String { "\(date)/\(region)/\(service)/aws4_request" }

    /// Reads an `Authorization` header; `nil` when it is not a SigV4 one.
    ///
    /// Every request is signed, so this reads the header's UTF-8 bytes directly rather than
    /// splitting it as `Character`s.
    package init?(authorizationHeader header: String) {
        let algorithm = "AWS4-HMAC-SHA256 ".utf8
        let bytes = header.utf8
        guard bytes.starts(with: algorithm) else { return nil }
        var credential: Substring?
        var signedHeaders: Substring?
        var signature: Substring?
        for part in bytes.dropFirst(algorithm.count).split(separator: UInt8(ascii: ",")) {
            let field = part.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            guard let equals = field.firstIndex(of: UInt8(ascii: "=")) else { continue }
            var value = field[field.index(after: equals)...]
            while let last = value.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { value = value.dropLast() }
            switch Substring(field[..<equals]) {
            case "Credential": credential = Substring(value)
            case "SignedHeaders": signedHeaders = Substring(value)
            case "Signature": signature = Substring(value)
            default: continue
            }
        }
        guard let credential, let signedHeaders, let signature else { return nil }
        self.init(credential: String(credential), signedHeaders: String(signedHeaders), signature: String(signature), isPresigned: false)
    }

    /// Reads a presigned URL's query parameters; `nil` when they hold no SigV4 signature.
    package init?(presignedQuery parameters: [String: String]) {
        guard parameters["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256", let credential = parameters["X-Amz-Credential"],
            let signedHeaders = parameters["X-Amz-SignedHeaders"], let signature = parameters["X-Amz-Signature"]
        else { return nil }
        self.init(credential: credential, signedHeaders: signedHeaders, signature: signature, isPresigned: true)
    }

    /// A credential from its parts.
    package init(accessKeyID: String, date: String, region: String, service: String, signedHeaders: [String], signature: String, isPresigned: Bool) {
        self.accessKeyID = accessKeyID
        self.date = date
        self.region = region
        self.service = service
        self.signedHeaders = signedHeaders
        self.signature = signature
        self.isPresigned = isPresigned
    }

    private init?(credential: String, signedHeaders: String, signature: String, isPresigned: Bool) {
        let scope = credential.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard scope.count == 5, Substring(scope[4]) == "aws4_request", !scope[0].isEmpty else { return nil }
        accessKeyID = String(Substring(scope[0]))
        date = String(Substring(scope[1]))
        region = String(Substring(scope[2]))
        service = String(Substring(scope[3]))
        self.signedHeaders = signedHeaders.utf8.split(separator: UInt8(ascii: ";")).map { Substring($0).lowercased() }
        self.signature = signature
        self.isPresigned = isPresigned
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    var trimmingSpaces: Substring {
        let text = self[...]
        let start = text.firstIndex { $0 != " " && $0 != "\t" } ?? text.endIndex
        let end = text.lastIndex { $0 != " " && $0 != "\t" }.map { text.index(after: $0) } ?? start
        return Substring(text[start..<Swift.max(start, end)])
    }
}
