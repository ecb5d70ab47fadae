/// One HTTP/1.x request to the instance metadata service: its method, path and headers. The
/// service's requests carry no body that matters; a body is read past and dropped.
package struct MetadataHTTPRequest: Sendable, Equatable {
    package var method: String
    /// The path, without a query.
    package var path: String
    /// `HTTP/1.0` or `HTTP/1.1`.
    package var version: String
    /// Header names in lower case, with their values trimmed; a repeated header keeps its last value.
    package var headers: [String: String]

    /// Whether the connection stays open after the answer: HTTP/1.1 unless `Connection: close`,
    /// HTTP/1.0 only with `Connection: keep-alive`.
    package var keepsAlive: Bool {
        let connection = headers["connection"]?.lowercased()
        return version == "HTTP/1.1" ? connection != "close" : connection == "keep-alive"
    }
}
