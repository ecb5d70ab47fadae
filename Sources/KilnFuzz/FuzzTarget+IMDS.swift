import KilnIMDS

extension FuzzTarget {
    /// A guest's bytes to the instance metadata service, fed in pieces whose sizes the input
    /// chooses; each request parsed is answered and encoded as the server would.
    static let imds = FuzzTarget("imds") { bytes in
        var parser = MetadataHTTPParser()
        var rest = bytes[...]
        while let first = rest.first {
            let piece = rest.dropFirst().prefix(Int(first) + 1)
            rest = rest.dropFirst(piece.count + 1)
            guard let requests = try? parser.feed(piece) else { return }
            for request in requests {
                let body = Array(request.path.utf8) + Array((request.headers["x-aws-ec2-metadata-token"] ?? "").utf8)
                _ = MetadataHTTPResponse(status: 200, body: body).encoded(version: request.version, keepAlive: request.keepsAlive)
            }
        }
    }
}
