/// One request that a guest made of its instance metadata service, as the service reads it.
package struct MetadataQuery: Sendable, Equatable {
    /// The verbs the service tells apart.
    package enum Method: Sendable, Equatable {
        case get, head, put
        case other(String)
    }

    package var method: Method
    /// The path, as `/latest/meta-data/instance-id`.
    package var path: String
    /// `X-aws-ec2-metadata-token`, when sent.
    package var token: String?
    /// `X-aws-ec2-metadata-token-ttl-seconds`, when sent.
    package var tokenTTL: String?
    /// Whether the request carries `X-Forwarded-For`, which a token request may not.
    package var forwarded: Bool

    /// Describes a request.
    package init(method: Method, path: String, token: String? = nil, tokenTTL: String? = nil, forwarded: Bool = false) {
        self.method = method
        self.path = path
        self.token = token
        self.tokenTTL = tokenTTL
        self.forwarded = forwarded
    }
}
