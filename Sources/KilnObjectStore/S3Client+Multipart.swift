/// Multipart uploads: how an object larger than memory is written, part by part.
extension S3Client {
    /// Starts an upload and returns its id.
    func createMultipartUpload(_ key: String) async throws -> String {
        let answer = try await send(
            Call(method: "POST", key: key, query: [("uploads", "")], headers: ["content-type": "application/octet-stream"])
        )
        guard let id = S3XML.elements("UploadId", in: answer.body).first, !id.isEmpty else {
            throw ObjectStoreError.malformedAnswer("CreateMultipartUpload for \(key) gave no UploadId")
        }
        return id
    }

    /// Uploads part `number` (from 1) and returns its ETag.
    func uploadPart(_ key: String, uploadID: String, number: Int, bytes: [UInt8]) async throws -> String {
        let answer = try await send(
            Call(method: "PUT", key: key, query: [("partNumber", String(number)), ("uploadId", uploadID)], body: bytes)
        )
        guard let etag = answer.headers["etag"] else { throw ObjectStoreError.malformedAnswer("UploadPart \(number) of \(key) gave no ETag") }
        return etag
    }

    /// Joins the parts into the object: only now does the object exist.
    func completeMultipartUpload(_ key: String, uploadID: String, etags: [String]) async throws {
        let parts = etags.enumerated().map { index, etag in
            "<Part><PartNumber>\(index + 1)</PartNumber><ETag>\(S3XML.escape(etag))</ETag></Part>"
        }.joined()
        let answer = try await send(
            Call(
                method: "POST",
                key: key,
                query: [("uploadId", uploadID)],
                headers: ["content-type": "application/xml"],
                body: Array("<CompleteMultipartUpload>\(parts)</CompleteMultipartUpload>".utf8)
            )
        )
        // S3 may answer 200 and carry the failure in the body.
        if !S3XML.elements("Error", in: answer.body).isEmpty {
            throw ObjectStoreError.requestFailed(
                method: "POST",
                key: key,
                status: answer.status,
                code: S3XML.elements("Code", in: answer.body).first ?? "",
                message: S3XML.elements("Message", in: answer.body).first ?? ""
            )
        }
    }

    /// Abandons an upload and the parts sent so far.
    func abortMultipartUpload(_ key: String, uploadID: String) async throws {
        _ = try await send(Call(method: "DELETE", key: key, query: [("uploadId", uploadID)], accepting: [404]))
    }
}
