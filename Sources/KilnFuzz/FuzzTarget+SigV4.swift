import KilnSigV4
import KilnWire

extension FuzzTarget {
    /// The `Authorization` header, the presigned query, and the canonical request built from a
    /// method, path, query and headers.
    static let sigV4 = FuzzTarget("sigv4") { bytes in
        let parts = FuzzInput.strings(bytes, 5)
        let query = parts[3]
        var headers: [String: String] = [:]
        for line in parts[4].split(separator: "\n") {
            let pair = line.split(separator: ":", maxSplits: 1)
            if pair.count == 2 { headers[pair[0].lowercased()] = String(pair[1]) }
        }
        let request = SignableRequest(method: parts[1], rawPath: parts[2], rawQuery: query, headers: headers)
        var credentials: [SigV4Credential] = []
        if let credential = SigV4Credential(authorizationHeader: parts[0]) { credentials.append(credential) }
        if let credential = SigV4Credential(presignedQuery: FormInput(Array(query.utf8)).parameters) { credentials.append(credential) }
        for credential in credentials {
            _ = SigV4Signer.signature(
                for: request,
                credential: credential,
                secret: "secret",
                amzDate: "20260101T000000Z",
                payloadHash: "UNSIGNED-PAYLOAD"
            )
        }
    }
}
