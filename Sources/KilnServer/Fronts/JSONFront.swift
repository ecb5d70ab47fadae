import KilnCore
import KilnWire

/// A service of the AWS JSON 1.1 protocol (KMS, SSM): `X-Amz-Target: Prefix.Operation` and
/// a JSON body each way.
package struct JSONFront: ServiceFront {
    package let signingName: String
    let targetPrefix: String
    let operations: OperationTable
    let modeledErrors: [String: ModeledError]

    /// A front for a JSON 1.1 service.
    package init(signingName: String, targetPrefix: String, modeledErrors: [String: ModeledError], operations: OperationTable) {
        self.signingName = signingName
        self.targetPrefix = targetPrefix
        self.modeledErrors = modeledErrors
        self.operations = operations
    }

    package func respond(to request: AWSRequest, caller: Caller) async -> AWSResponse {
        let target = request.headers["x-amz-target"] ?? ""
        let name = target.hasPrefix(targetPrefix + ".") ? String(target.dropFirst(targetPrefix.count + 1)) : ""
        guard let entry = operations[name] else {
            return error(
                OutgoingError(code: "UnknownOperationException", message: "The operation '\(target)' is not supported.", status: 400),
                request,
                operation: nil  // not the caller's text: metrics label by operation, and must stay few
            )
        }
        do {
            guard case .object(let members) = try JSONInput.parse(request.body) else {
                throw WireError(.malformedInput, parameter: "", message: "The request body must be a JSON object.")
            }
            let output = try await entry.handler(WireReader(members: members), caller)
            let writer = JSONWriter()
            output.encode(toJSON: writer)
            return AWSResponse(status: 200, headers: headers(request), body: writer.bytes, operation: name)
        } catch {
            return self.error(OutgoingError(error, validationCode: "ValidationException", modeled: modeledErrors), request, operation: name)
        }
    }

    package func refuse(_ request: AWSRequest, because problem: AuthProblem) -> AWSResponse {
        error(.signatureProblem(problem), request, operation: nil)
    }

    private func headers(_ request: AWSRequest) -> [(String, String)] {
        [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-RequestId", request.requestID)]
    }

    package func reject(_ request: AWSRequest, with error: any Error, operation: String?) -> AWSResponse {
        self.error(OutgoingError(error, validationCode: "ValidationException", modeled: modeledErrors), request, operation: operation)
    }

    private func error(_ error: OutgoingError, _ request: AWSRequest, operation: String?) -> AWSResponse {
        let writer = JSONWriter()
        writer.openStructure()
        writer.member("__type", error.code)
        writer.member("message", error.message)
        writer.closeStructure()
        var response = AWSResponse(status: error.status, headers: headers(request), body: writer.bytes, operation: operation, errorCode: error.code)
        response.unexpectedError = error.unexpected
        return response
    }
}
