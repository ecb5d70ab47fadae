/// The parts of a Signature Version 4 signature that say who signed, where and for what.
///
/// They come from the `Authorization` header
/// (`AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/ec2/aws4_request, SignedHeaders=…, Signature=…`)
/// or, for presigned URLs, from the `X-Amz-Credential`, `X-Amz-SignedHeaders` and `X-Amz-Signature`
/// query parameters.
public struct SigV4Credential: Sendable, Equatable {
    /// The access key id.
    public var accessKeyID: String
    /// The scope's date, `YYYYMMDD`.
    public var date: String
    /// The scope's region: the region the request is served in.
    public var region: String
    /// The scope's service: which front answers.
    public var service: String
    /// The lower-cased names of the signed headers, in order.
    public var signedHeaders: [String]
    /// The hex signature.
    public var signature: String
    /// Whether it came from the query string (a presigned URL).
    public var isPresigned: Bool

    /// The credential scope, `date/region/service/aws4_request`.
    public var scope: String { "\(date)/\(region)/\(service)/aws4_request" }

    /// Reads an `Authorization` header; `nil` when it is not a SigV4 one.
    public init?(authorizationHeader header: String) {
        guard header.hasPrefix("AWS4-HMAC-SHA256 ") else { return nil }
        var fields: [String: String] = [:]
        for part in header.dropFirst("AWS4-HMAC-SHA256 ".count).split(separator: ",") {
            let trimmed = part.trimmingSpaces
            guard let equals = trimmed.firstIndex(of: "=") else { continue }
            fields[String(trimmed[..<equals])] = String(trimmed[trimmed.index(after: equals)...])
        }
        guard let credential = fields["Credential"], let signedHeaders = fields["SignedHeaders"], let signature = fields["Signature"] else {
            return nil
        }
        self.init(credential: credential, signedHeaders: signedHeaders, signature: signature, isPresigned: false)
    }

    /// Reads a presigned URL's query parameters; `nil` when they hold no SigV4 signature.
    public init?(presignedQuery parameters: [String: String]) {
        guard parameters["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256", let credential = parameters["X-Amz-Credential"],
            let signedHeaders = parameters["X-Amz-SignedHeaders"], let signature = parameters["X-Amz-Signature"]
        else { return nil }
        self.init(credential: credential, signedHeaders: signedHeaders, signature: signature, isPresigned: true)
    }

    /// A credential from its parts.
    public init(accessKeyID: String, date: String, region: String, service: String, signedHeaders: [String], signature: String, isPresigned: Bool) {
        self.accessKeyID = accessKeyID
        self.date = date
        self.region = region
        self.service = service
        self.signedHeaders = signedHeaders
        self.signature = signature
        self.isPresigned = isPresigned
    }

    private init?(credential: String, signedHeaders: String, signature: String, isPresigned: Bool) {
        let scope = credential.split(separator: "/", omittingEmptySubsequences: false)
        guard scope.count == 5, scope[4] == "aws4_request", !scope[0].isEmpty else { return nil }
        accessKeyID = String(scope[0])
        date = String(scope[1])
        region = String(scope[2])
        service = String(scope[3])
        self.signedHeaders = signedHeaders.split(separator: ";").map { $0.lowercased() }
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
