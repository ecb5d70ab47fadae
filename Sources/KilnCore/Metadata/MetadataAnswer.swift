/// What the instance metadata service answers, by the outcomes it tells apart; the transport
/// gives each its HTTP status (200, 400, 401, 403, 404 and 405, as EC2's service does).
package enum MetadataAnswer: Sendable, Equatable {
    /// The value, with its content type.
    case value([UInt8], contentType: String)
    /// A new session token, valid for `ttl` seconds.
    case token(String, ttl: Int)
    /// A bad token TTL, or a token request that came through a proxy.
    case badRequest
    /// A token is missing where one is required, or it is expired or not this instance's.
    case unauthorized
    /// The service is disabled for this instance.
    case forbidden
    case notFound
    case methodNotAllowed
}
