import Foundation

/// Where `--blocks s3://BUCKET[/PREFIX]?endpoint=…&region=…` keeps objects, and the keys that
/// sign the requests.
///
/// The keys come from the URL's `access_key_id` and `secret_access_key`, else from
/// `KILN_BLOCKS_ACCESS_KEY_ID` and `KILN_BLOCKS_SECRET_ACCESS_KEY`, else from
/// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`. Requests use path-style addresses
/// (`ENDPOINT/BUCKET/KEY`), which every S3-compatible store accepts.
package struct S3Location: Sendable, Equatable {
    /// The bucket.
    package var bucket: String
    /// What every key starts with: empty, or a folder ending in `/`.
    package var keyPrefix: String
    /// `http://host:port` or `https://host`, without a trailing slash.
    package var endpoint: String
    /// The region the requests are signed for.
    package var region: String
    /// The access key id and secret.
    package var accessKeyID: String
    package var secretAccessKey: String

    /// The `Host` header: the endpoint's host, and its port unless the scheme's default.
    package var hostHeader: String {
        guard let url = URL(string: endpoint), let host = url.host else { return endpoint }
        let defaultPort = url.scheme == "https" ? 443 : 80
        return url.port.map { $0 == defaultPort ? host : "\(host):\($0)" } ?? host
    }

    /// A location from its parts.
    package init(bucket: String, keyPrefix: String = "", endpoint: String, region: String, accessKeyID: String, secretAccessKey: String) {
        self.bucket = bucket
        self.keyPrefix = keyPrefix
        self.endpoint = endpoint
        self.region = region
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
    }

    /// Reads an `s3://` URL; throws an ``ObjectStoreError`` that says what is wrong.
    package init(parsing text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard text.hasPrefix("s3://"), let components = URLComponents(string: text), let bucket = components.host, !bucket.isEmpty else {
            throw ObjectStoreError.badLocation(text, "give s3://BUCKET?endpoint=URL&region=REGION")
        }
        var parameters: [String: String] = [:]
        for item in components.queryItems ?? [] { parameters[item.name] = item.value ?? "" }
        let known: Set<String> = ["endpoint", "region", "access_key_id", "secret_access_key"]
        if let unknown = parameters.keys.sorted().first(where: { !known.contains($0) }) {
            throw ObjectStoreError.badLocation(text, "unknown parameter '\(unknown)'; known: \(known.sorted().joined(separator: ", "))")
        }
        let region = parameters["region"] ?? environment["AWS_REGION"] ?? "us-east-1"
        var endpoint = parameters["endpoint"] ?? "https://s3.\(region).amazonaws.com"
        while endpoint.hasSuffix("/") { endpoint.removeLast() }
        guard let url = URL(string: endpoint), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw ObjectStoreError.badLocation(text, "endpoint must be an http:// or https:// URL")
        }
        let accessKeyID = parameters["access_key_id"] ?? environment["KILN_BLOCKS_ACCESS_KEY_ID"] ?? environment["AWS_ACCESS_KEY_ID"]
        let secret = parameters["secret_access_key"] ?? environment["KILN_BLOCKS_SECRET_ACCESS_KEY"] ?? environment["AWS_SECRET_ACCESS_KEY"]
        guard let accessKeyID, let secret, !accessKeyID.isEmpty, !secret.isEmpty else {
            throw ObjectStoreError.badLocation(
                text,
                "no credentials: set KILN_BLOCKS_ACCESS_KEY_ID and KILN_BLOCKS_SECRET_ACCESS_KEY (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
            )
        }
        var prefix = components.path.drop { $0 == "/" }
        while prefix.hasSuffix("/") { prefix.removeLast() }
        self.init(
            bucket: bucket,
            keyPrefix: prefix.isEmpty ? "" : "\(prefix)/",
            endpoint: endpoint,
            region: region,
            accessKeyID: accessKeyID,
            secretAccessKey: secret
        )
    }

    /// The same bucket, with `folder` (`blocks`, `objects`) added to the key prefix.
    package func appending(folder: String) -> S3Location {
        var location = self
        location.keyPrefix += "\(folder)/"
        return location
    }
}
