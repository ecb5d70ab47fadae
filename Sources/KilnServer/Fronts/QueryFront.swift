import KilnCore
import KilnWire

/// A service of the query family: form-encoded `Action=…` requests and XML answers.
///
/// Two dialects share it. EC2 writes its output members straight under `<ActionResponse>`
/// after a `<requestId>`, and its errors as `<Response><Errors><Error>`; the AWS query
/// protocol (STS, Auto Scaling) wraps output in `<ActionResult>` with `<ResponseMetadata>`,
/// and errors in `<ErrorResponse>`.
package struct QueryFront: ServiceFront {
    /// Which envelope the service uses.
    package enum Dialect: Sendable {
        /// EC2's own query protocol.
        case ec2
        /// The AWS query protocol.
        case awsQuery
    }

    package let signingName: String
    let dialect: Dialect
    let xmlNamespace: String
    let operations: OperationTable
    let modeledErrors: [String: ModeledError]

    /// A front for a query-family service.
    package init(signingName: String, dialect: Dialect, xmlNamespace: String, modeledErrors: [String: ModeledError], operations: OperationTable) {
        self.signingName = signingName
        self.dialect = dialect
        self.xmlNamespace = xmlNamespace
        self.modeledErrors = modeledErrors
        self.operations = operations
    }

    package func respond(to request: AWSRequest, caller: Caller) async -> AWSResponse {
        var form = FormInput(Array(request.rawQuery.utf8))
        form.merge(FormInput(request.body))
        guard let action = form.parameters["Action"], !action.isEmpty else {
            return error(
                OutgoingError(code: "MissingAction", message: "The request must contain the parameter Action", status: 400),
                request,
                operation: nil
            )
        }
        guard let entry = operations[action] else {
            return error(
                OutgoingError(code: "InvalidAction", message: "The action \(action) is not valid for this web service.", status: 400),
                request,
                operation: nil  // not the caller's text: metrics label by operation, and must stay few
            )
        }
        guard case .object(let members) = form.tree else {
            return error(OutgoingError(code: "InternalError", message: "", status: 500), request, operation: action)
        }
        let reader = WireReader(members: members)
        do {
            var caller = caller
            caller.dryRun = (try reader.value("DryRun") as Bool?) ?? false
            let output = try await entry.handler(reader, caller)
            return success(output, action: action, request: request)
        } catch {
            let validationCode = dialect == .ec2 ? "InvalidParameterValue" : "ValidationError"
            return self.error(OutgoingError(error, validationCode: validationCode, modeled: modeledErrors), request, operation: action)
        }
    }

    package func refuse(_ request: AWSRequest, because problem: AuthProblem) -> AWSResponse {
        guard dialect == .ec2 else { return error(.signatureProblem(problem), request, operation: nil) }
        switch problem {
        case .expired:
            return error(OutgoingError(code: "RequestExpired", message: "Request has expired.", status: 400), request, operation: nil)
        case .missingSignature:
            return error(
                OutgoingError(code: "MissingAuthenticationToken", message: "Request is missing Authentication Token", status: 401),
                request,
                operation: nil
            )
        default:
            return error(
                OutgoingError(code: "AuthFailure", message: "AWS was not able to validate the provided access credentials", status: 401),
                request,
                operation: nil
            )
        }
    }

    private func success(_ output: any WireStructureEncodable, action: String, request: AWSRequest) -> AWSResponse {
        let writer = XMLWriter()
        writer.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<\(action)Response xmlns=\"\(xmlNamespace)\">")
        switch dialect {
        case .ec2:
            writer.element("requestId", request.requestID)
            if output is EmptyOutput {
                writer.element("return", "true")
            } else {
                output.encode(toXML: writer)
            }
        case .awsQuery:
            if !(output is EmptyOutput) {
                writer.openMember("\(action)Result")
                output.encode(toXML: writer)
                writer.closeMember("\(action)Result")
            }
            writer.openMember("ResponseMetadata")
            writer.element("RequestId", request.requestID)
            writer.closeMember("ResponseMetadata")
        }
        writer.raw("</\(action)Response>")
        return AWSResponse(status: 200, headers: [("Content-Type", "text/xml;charset=UTF-8")], body: writer.bytes, operation: action)
    }

    package func reject(_ request: AWSRequest, with error: any Error, operation: String?) -> AWSResponse {
        self.error(
            OutgoingError(error, validationCode: dialect == .ec2 ? "InvalidParameterValue" : "ValidationError", modeled: modeledErrors),
            request,
            operation: operation
        )
    }

    private func error(_ error: OutgoingError, _ request: AWSRequest, operation: String?) -> AWSResponse {
        let writer = XMLWriter()
        writer.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        switch dialect {
        case .ec2:
            writer.raw("<Response><Errors><Error>")
            writer.element("Code", error.code)
            writer.element("Message", error.message)
            writer.raw("</Error></Errors>")
            writer.element("RequestID", request.requestID)
            writer.raw("</Response>")
        case .awsQuery:
            writer.raw("<ErrorResponse xmlns=\"\(xmlNamespace)\"><Error>")
            writer.element("Type", error.status >= 500 ? "Receiver" : "Sender")
            writer.element("Code", error.code)
            writer.element("Message", error.message)
            writer.raw("</Error>")
            writer.element("RequestId", request.requestID)
            writer.raw("</ErrorResponse>")
        }
        var response = AWSResponse(
            status: error.status,
            headers: [("Content-Type", "text/xml;charset=UTF-8")],
            body: writer.bytes,
            operation: operation,
            errorCode: error.code
        )
        response.unexpectedError = error.unexpected
        return response
    }
}
