import Foundation
import KilnCore
import KilnIMDS

/// An instance's metadata service on a Unix socket in its machine's directory: HTTP in, the
/// domain's ``InstanceMetadataService`` behind, answering as that instance.
enum MetadataEndpoint {
    /// The socket's name in a machine's directory.
    static let socketName = "imds.sock"

    /// Serves the metadata of `instanceID` on `path`.
    static func serve(_ instanceID: String, at path: String, context: CloudContext) throws -> MetadataHTTPServer {
        let service = context.instanceMetadata
        return try MetadataHTTPServer(path: path) { request in
            let query = query(of: request)
            let answer = (try? Blocking.run { await service.answer(query, instanceID: instanceID) }) ?? .notFound
            return response(answer, head: request.method == "HEAD")
        }
    }

    /// The request as the metadata service reads it.
    static func query(of request: MetadataHTTPRequest) -> MetadataQuery {
        let method: MetadataQuery.Method =
            switch request.method {
            case "GET": .get
            case "HEAD": .head
            case "PUT": .put
            default: .other(request.method)
            }
        return MetadataQuery(
            method: method,
            path: request.path,
            token: request.headers["x-aws-ec2-metadata-token"],
            tokenTTL: request.headers["x-aws-ec2-metadata-token-ttl-seconds"],
            forwarded: request.headers["x-forwarded-for"] != nil
        )
    }

    /// The answer with EC2's status codes; a HEAD request gets the headers only.
    static func response(_ answer: MetadataAnswer, head: Bool) -> MetadataHTTPResponse {
        var response: MetadataHTTPResponse
        switch answer {
        case .value(let bytes, let contentType):
            response = MetadataHTTPResponse(status: 200, body: bytes, contentType: contentType)
        case .token(let token, let ttl):
            response = MetadataHTTPResponse(
                status: 200,
                body: Array(token.utf8),
                headers: [("X-Aws-Ec2-Metadata-Token-Ttl-Seconds", "\(ttl)")]
            )
        case .badRequest: response = MetadataHTTPResponse(status: 400, body: Array("Bad Request\n".utf8))
        case .unauthorized: response = MetadataHTTPResponse(status: 401, body: Array("Unauthorized\n".utf8))
        case .forbidden: response = MetadataHTTPResponse(status: 403, body: Array("Forbidden\n".utf8))
        case .notFound: response = MetadataHTTPResponse(status: 404, body: Array("Not Found\n".utf8))
        case .methodNotAllowed: response = MetadataHTTPResponse(status: 405, body: Array("Method Not Allowed\n".utf8))
        }
        if head { response.body = [] }
        return response
    }
}
