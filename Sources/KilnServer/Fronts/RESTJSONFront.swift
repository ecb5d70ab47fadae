import Foundation
import KilnCore
import KilnWire

/// A service of the REST-JSON protocol (EBS direct): the operation is chosen by method and
/// path, members travel in the URI, query string, headers and JSON body, and a blob payload
/// travels raw.
package struct RESTJSONFront: ServiceFront {
    package let signingName: String
    let operations: OperationTable
    let modeledErrors: [String: ModeledError]
    private let routes: [Route]

    /// One operation's method and URI template, split into literal and label segments.
    struct Route: Sendable {
        enum Segment: Sendable, Equatable {
            case literal(String)
            case label(String)
        }

        var method: String
        var segments: [Segment]
        var queryLiterals: [String: String]
        var entry: OperationTable.Entry

        init(_ entry: OperationTable.Entry) {
            self.entry = entry
            method = entry.http.method
            let parts = entry.http.requestURI.split(separator: "?", maxSplits: 1)
            segments = parts[0].split(separator: "/").map { part in
                part.hasPrefix("{") && part.hasSuffix("}")
                    ? .label(String(part.dropFirst().dropLast()).replacingOccurrences(of: "+", with: "")) : .literal(String(part))
            }
            queryLiterals = parts.count > 1 ? FormQuery(String(parts[1])).parameters : [:]
        }

        /// The labels of `pathSegments` when they fit this route.
        func match(method: String, pathSegments: [String], query: [String: String]) -> [String: String]? {
            guard method == self.method, pathSegments.count == segments.count else { return nil }
            var labels: [String: String] = [:]
            for (segment, value) in zip(segments, pathSegments) {
                switch segment {
                case .literal(let literal): if literal != value { return nil }
                case .label(let name): labels[name] = value
                }
            }
            for (key, value) in queryLiterals where query[key] != value && !(value.isEmpty && query[key] != nil) {
                return nil
            }
            return labels
        }
    }

    /// A front for a REST-JSON service.
    package init(signingName: String, modeledErrors: [String: ModeledError], operations: OperationTable) {
        self.signingName = signingName
        self.modeledErrors = modeledErrors
        self.operations = operations
        // Literal segments first, so `/snapshots/completion/{id}` wins over `/snapshots/{id}/…`.
        routes = operations.entries.values.map(Route.init).sorted { lhs, rhs in
            let lhsLiterals = lhs.segments.filter { if case .literal = $0 { return true } else { return false } }.count
            let rhsLiterals = rhs.segments.filter { if case .literal = $0 { return true } else { return false } }.count
            return lhsLiterals != rhsLiterals ? lhsLiterals > rhsLiterals : lhs.entry.name < rhs.entry.name
        }
    }

    /// The route `request` takes, with its URI labels.
    func route(of request: AWSRequest, query: [String: String]) -> (Route, [String: String])? {
        let pathSegments = request.rawPath.split(separator: "/").map { FormInput.decode(Array($0.utf8), plusAsSpace: false) }
        return routes.lazy.compactMap({ route in
            route.match(method: request.method, pathSegments: pathSegments, query: query).map { (route, $0) }
        }).first
    }

    /// The method and path name the operation, so its limit and check apply before the body is read.
    package func admission(for head: AWSRequest) -> RequestAdmission {
        guard let (route, labels) = route(of: head, query: FormQuery(head.rawQuery).parameters) else { return .unknown }
        return RequestAdmission(operation: route.entry.name, bodyLimit: route.entry.bodyLimit, check: route.entry.admission, labels: labels)
    }

    package func respond(to request: AWSRequest, caller: Caller) async -> AWSResponse {
        let query = FormQuery(request.rawQuery).parameters
        guard let (route, labels) = route(of: request, query: query) else {
            return error(
                OutgoingError(code: "UnknownOperationException", message: "No operation matches \(request.method) \(request.rawPath).", status: 404),
                request,
                operation: nil
            )
        }
        let name = route.entry.name
        do {
            let parts = RESTRequestParts(
                labels: labels,
                query: query,
                queryValues: Self.queryValues(request.rawQuery),
                headers: request.headers,
                payload: request.body
            )
            var members: [String: WireNode] = [:]
            let isJSON = request.headers["content-type"].map { $0.contains("json") } ?? false
            if isJSON, case .object(let body) = try JSONInput.parse(request.body) {
                members = body
            }
            let output = try await route.entry.handler(WireReader(members: members, rest: parts), caller)
            var headers = [("x-amzn-RequestId", request.requestID)]
            if let rest = output as? any RESTOutput {
                headers.append(contentsOf: rest.restHeaders)
                if let payload = rest.restPayload {
                    headers.append(("Content-Type", "application/octet-stream"))
                    return AWSResponse(status: route.entry.http.responseCode, headers: headers, body: payload, operation: name)
                }
            }
            let writer = JSONWriter()
            output.encode(toJSON: writer)
            headers.append(("Content-Type", "application/json"))
            return AWSResponse(status: route.entry.http.responseCode, headers: headers, body: writer.bytes, operation: name)
        } catch {
            return self.error(OutgoingError(error, validationCode: "ValidationException", modeled: modeledErrors), request, operation: name)
        }
    }

    /// Every value of each query parameter, in order.
    static func queryValues(_ rawQuery: String) -> [String: [String]] {
        var values: [String: [String]] = [:]
        for pair in rawQuery.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = FormInput.decode(Array(parts[0].utf8))
            values[name, default: []].append(parts.count > 1 ? FormInput.decode(Array(parts[1].utf8)) : "")
        }
        return values
    }

    package func refuse(_ request: AWSRequest, because problem: AuthProblem) -> AWSResponse {
        error(.signatureProblem(problem), request, operation: nil)
    }

    package func reject(_ request: AWSRequest, with error: any Error, operation: String?) -> AWSResponse {
        self.error(OutgoingError(error, validationCode: "ValidationException", modeled: modeledErrors), request, operation: operation)
    }

    private func error(_ error: OutgoingError, _ request: AWSRequest, operation: String?) -> AWSResponse {
        let writer = JSONWriter()
        writer.openStructure()
        writer.member("Message", error.message)
        writer.member("Reason", error.reason)
        writer.closeStructure()
        var response = AWSResponse(
            status: error.status,
            headers: [("Content-Type", "application/json"), ("x-amzn-RequestId", request.requestID), ("x-amzn-ErrorType", error.code)],
            body: writer.bytes,
            operation: operation,
            errorCode: error.code
        )
        response.unexpectedError = error.unexpected
        return response
    }
}
