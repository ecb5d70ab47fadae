import KilnCore
import KilnSigV4

/// What to do with a request whose head has arrived and whose body has not.
package enum AdmissionDecision: Sendable {
    /// Read the body, up to `bodyLimit` bytes, then dispatch.
    case read(bodyLimit: Int)
    /// Answer this without reading the body, and close the connection.
    case refuse(AWSResponse)
}

extension AWSDispatcher {
    /// Decides on a request from its head alone (its body still empty): a body declared over its
    /// operation's limit is refused, and so is a request whose operation's check fails (such as
    /// a block for a snapshot that does not exist), so that neither body is ever read.
    package func admit(_ head: AWSRequest, declaredLength: Int?) async -> AdmissionDecision {
        let started = ContinuousClock.now
        let credential = Self.credential(of: head)
        let region = credential.map { RegionName($0.region) } ?? Self.fallbackRegion
        guard let service = credential?.service ?? Self.recogniseService(head), let front = fronts[service] else {
            // Unknown services are answered once the body is in; bound it all the same.
            return .read(bodyLimit: OperationTable.defaultBodyLimit)
        }
        let admission = front.admission(for: head)
        var refusal: AWSResponse?
        var account: AccountID?
        if let declaredLength, declaredLength > admission.bodyLimit {
            refusal = front.reject(head, with: CloudError.requestTooLarge(limit: admission.bodyLimit), operation: admission.operation)
        } else if let check = admission.check, authenticator.canDecide(beforeBodyOf: head, credential: credential) {
            switch authenticator.authenticate(head, credential: credential, checkingPayload: false) {
            case .success(let caller):
                account = caller
                do {
                    try await check(admission.labels, Caller(account: caller, accessKeyID: credential?.accessKeyID ?? "", region: region))
                } catch {
                    refusal = front.reject(head, with: error, operation: admission.operation)
                }
            case .failure(let problem):
                refusal = front.refuse(head, because: problem)
            }
        }
        guard let refusal else { return .read(bodyLimit: admission.bodyLimit) }
        record(head, refusal, service: service, region: region, account: account, started: started)
        return .refuse(refusal)
    }

    /// The answer to a body that turned out longer than `limit` while it was read (one sent
    /// without a Content-Length).
    package func bodyTooLarge(_ head: AWSRequest, limit: Int) -> AWSResponse {
        let credential = Self.credential(of: head)
        let front = (credential?.service ?? Self.recogniseService(head)).flatMap { fronts[$0] } ?? fronts["ec2"]
        let error = CloudError.requestTooLarge(limit: limit)
        return front?.reject(head, with: error, operation: nil)
            ?? AWSResponse(status: 413, headers: [], body: Array(error.message.utf8), operation: nil, errorCode: error.code)
    }
}
