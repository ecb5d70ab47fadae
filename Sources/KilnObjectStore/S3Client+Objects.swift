/// The object operations Kiln uses: PUT, ranged GET, HEAD, DELETE, ListObjectsV2, and the
/// bucket's creation.
extension S3Client {
    /// Writes an object whole, in one PUT: when it returns, the store has the object.
    package func put(_ key: String, _ bytes: [UInt8]) async throws {
        _ = try await send(Call(method: "PUT", key: key, headers: ["content-type": "application/octet-stream"], body: bytes))
    }

    /// Bytes `offset..<offset+length` of an object (fewer at its end): one ranged GET.
    package func get(_ key: String, offset: Int, length: Int) async throws -> [UInt8] {
        guard length > 0 else { return [] }
        let answer = try await send(Call(method: "GET", key: key, headers: ["range": "bytes=\(offset)-\(offset + length - 1)"]))
        guard answer.status == 206 || answer.status == 200 else {
            throw ObjectStoreError.malformedAnswer("GET \(key) answered \(answer.status)")
        }
        // A store that ignores the range sends the whole object with 200.
        if answer.status == 200, offset > 0 || answer.body.count > length {
            return Array(answer.body.dropFirst(offset).prefix(length))
        }
        return answer.body
    }

    /// An object's size, or nil when there is none by that name.
    package func size(_ key: String) async throws -> Int? {
        let answer = try await send(Call(method: "HEAD", key: key, accepting: [404]))
        guard answer.status != 404 else { return nil }
        guard let length = answer.headers["content-length"].flatMap(Int.init) else {
            throw ObjectStoreError.malformedAnswer("HEAD \(key) gave no Content-Length")
        }
        return length
    }

    /// Deletes an object; a missing one is not an error.
    package func delete(_ key: String) async throws {
        _ = try await send(Call(method: "DELETE", key: key, accepting: [404]))
    }

    /// The keys under `prefix`, every page of ListObjectsV2 followed.
    package func list(prefix: String) async throws -> [String] {
        var keys: [String] = []
        var token: String?
        repeat {
            var query = [("list-type", "2"), ("max-keys", String(listPageSize)), ("prefix", prefix)]
            if let token { query.append(("continuation-token", token)) }
            let answer = try await send(Call(method: "GET", key: nil, query: query))
            keys += S3XML.elements("Key", in: answer.body)
            let truncated = S3XML.elements("IsTruncated", in: answer.body).first == "true"
            token = truncated ? S3XML.elements("NextContinuationToken", in: answer.body).first : nil
            if truncated, token == nil { throw ObjectStoreError.malformedAnswer("a truncated listing without a continuation token") }
        } while token != nil
        return keys
    }

    /// Creates the bucket unless it is there already.
    package func ensureBucket() async throws {
        let head = try await send(Call(method: "HEAD", key: nil, accepting: [404]))
        guard head.status == 404 else { return }
        var body: [UInt8] = []
        if location.region != "us-east-1" {
            body = Array(
                "<CreateBucketConfiguration><LocationConstraint>\(S3XML.escape(location.region))</LocationConstraint></CreateBucketConfiguration>"
                    .utf8
            )
        }
        _ = try await send(Call(method: "PUT", key: nil, body: body, accepting: [409]))
    }
}
