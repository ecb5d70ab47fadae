import Foundation
import KilnCore
import KilnSigV4
import KilnWire
import Logging

/// Sends each AWS request to the front of its service, after establishing who sent it.
///
/// The service comes from the SigV4 credential scope (`…/us-east-1/ec2/aws4_request`), which
/// also gives the region; requests without one are recognised by their `X-Amz-Target`, their
/// `Version=` or their path, and served in `us-east-1`.
package struct AWSDispatcher: Sendable {
    /// The region of requests whose signature names none.
    package static let fallbackRegion: RegionName = "us-east-1"

    let fronts: [String: any ServiceFront]
    let authenticator: Authenticator
    private let metrics: RequestMetrics
    private let logger: Logger

    /// A dispatcher over `fronts`, keyed by their signing names.
    package init(fronts: [any ServiceFront], authenticator: Authenticator, metrics: RequestMetrics, logger: Logger) {
        self.fronts = Dictionary(fronts.map { ($0.signingName, $0) }, uniquingKeysWith: { first, _ in first })
        self.authenticator = authenticator
        self.metrics = metrics
        self.logger = logger
    }

    /// Answers one request.
    package func dispatch(_ request: AWSRequest) async -> AWSResponse {
        let started = ContinuousClock.now
        let credential = Self.credential(of: request)
        let service = credential?.service ?? Self.recogniseService(request)
        let region = credential.map { RegionName($0.region) } ?? Self.fallbackRegion
        var account: AccountID?
        let response: AWSResponse
        if let service, let front = fronts[service] {
            switch authenticator.authenticate(request, credential: credential) {
            case .success(let caller):
                account = caller
                response = await front.respond(
                    to: request,
                    caller: Caller(account: caller, accessKeyID: credential?.accessKeyID ?? "", region: region)
                )
            case .failure(let problem):
                response = front.refuse(request, because: problem)
            }
        } else {
            response = Self.unknownService(service, request)
        }
        record(request, response, service: service, region: region, account: account, started: started)
        return response
    }

    /// Counts and logs one answer.
    func record(
        _ request: AWSRequest,
        _ response: AWSResponse,
        service: String?,
        region: RegionName,
        account: AccountID?,
        started: ContinuousClock.Instant
    ) {
        let elapsed = ContinuousClock.now - started
        // Labels only from what Kiln knows (its services and their operations), so that
        // requests with made-up names cannot grow the metrics without bound.
        let knownService = service.flatMap { fronts[$0] == nil ? nil : $0 }
        metrics.record(service: knownService ?? "unknown", operation: response.operation ?? "unknown", status: response.status, duration: elapsed)
        logger.info(
            "request",
            metadata: [
                "request_id": .string(request.requestID),
                "account": .string(account?.rawValue ?? "-"),
                "region": .string(region.rawValue),
                "service": .string(service ?? "-"),
                "action": .string(response.operation ?? "-"),
                "status": .stringConvertible(response.status),
                "error": .string(response.errorCode ?? "-"),
                "latency_ms": .string(
                    String(format: "%.3f", Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
                ),
            ]
        )
        if let unexpected = response.unexpectedError {
            logger.error(
                "unexpected error",
                metadata: ["request_id": .string(request.requestID), "action": .string(response.operation ?? "-"), "error": .string(unexpected)]
            )
        }
    }

    static func credential(of request: AWSRequest) -> SigV4Credential? {
        if let header = request.headers["authorization"] {
            return SigV4Credential(authorizationHeader: header)
        }
        if request.rawQuery.contains("X-Amz-Credential") {
            return SigV4Credential(presignedQuery: FormQuery(request.rawQuery).parameters)
        }
        return nil
    }

    /// The service of a request that carries no credential scope.
    static func recogniseService(_ request: AWSRequest) -> String? {
        if let target = request.headers["x-amz-target"] {
            if target.hasPrefix("TrentService.") { return "kms" }
            if target.hasPrefix("AmazonSSM.") { return "ssm" }
        }
        if request.rawPath.hasPrefix("/snapshots") { return "ebs" }
        var form = FormInput(Array(request.rawQuery.utf8))
        form.merge(FormInput(request.body))
        switch form.parameters["Version"] {
        case EC2.apiVersion: return "ec2"
        case STS.apiVersion: return "sts"
        case AutoScaling.apiVersion: return "autoscaling"
        default: return form.parameters["Action"] != nil ? "ec2" : nil
        }
    }

    static func unknownService(_ service: String?, _ request: AWSRequest) -> AWSResponse {
        let writer = XMLWriter()
        writer.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error>")
        writer.element("Code", "UnknownService")
        writer.element("Message", "Kiln does not serve the service '\(service ?? "?")'. It serves ec2, ebs, sts, kms, ssm and autoscaling.")
        writer.raw("</Error></Errors>")
        writer.element("RequestID", request.requestID)
        writer.raw("</Response>")
        return AWSResponse(
            status: 400,
            headers: [("Content-Type", "text/xml;charset=UTF-8")],
            body: writer.bytes,
            operation: nil,
            errorCode: "UnknownService"
        )
    }
}
