import Foundation

/// The instance metadata service (IMDS): what a guest reads at 169.254.169.254 about the
/// instance it runs as, with EC2's session tokens (IMDSv2) and options.
///
/// The service answers for one instance at a time, named by the transport: the runtime gives
/// each machine a connection of its own, so a guest cannot ask as another instance.
package struct InstanceMetadataService: CloudService {
    package let context: CloudContext

    /// The path of the session token request.
    static let tokenPath = "/latest/api/token"
    /// The API versions the service lists at `/`; each serves the same tree as `latest`.
    static let versions = [
        "1.0", "2007-01-19", "2007-03-01", "2007-08-29", "2007-10-10", "2007-12-15", "2008-02-01", "2008-09-01", "2009-04-04",
        "2011-01-01", "2011-05-01", "2012-01-12", "2014-02-25", "2014-11-05", "2015-10-20", "2016-04-19", "2016-06-30", "2016-09-02",
        "2018-03-28", "2018-08-17", "2018-09-24", "2019-10-01", "2020-10-27", "2021-01-03", "2021-03-23", "2021-07-15", "2021-12-08",
        "2022-09-24", "latest",
    ]

    /// Answers `query` as the metadata service of `instanceID`.
    package func answer(_ query: MetadataQuery, instanceID: String) async -> MetadataAnswer {
        guard let view = try? await store.read({ try MetadataView.load(instanceID, in: $0) }) else { return .notFound }
        let options = view.instance.metadataOptionsInForce
        guard options.httpEndpoint == "enabled" else { return .forbidden }
        if query.path == Self.tokenPath { return issueToken(query, instanceID: instanceID) }
        switch query.method {
        case .get, .head: break
        default: return .methodNotAllowed
        }
        if let token = query.token {
            guard context.metadataTokens.verify(token, subject: instanceID, now: clock.now) else { return .unauthorized }
        } else if options.httpTokens == "required" {
            return .unauthorized
        }
        return view.resolve(query.path, tagsEnabled: options.instanceMetadataTags == "enabled", now: clock.now)
    }

    /// `PUT /latest/api/token`: a session token for the instance, valid for the TTL asked.
    private func issueToken(_ query: MetadataQuery, instanceID: String) -> MetadataAnswer {
        guard query.method == .put else { return .methodNotAllowed }
        guard !query.forwarded else { return .forbidden }
        guard let text = query.tokenTTL, let ttl = Int(text), (1...21_600).contains(ttl) else { return .badRequest }
        let expiry = clock.now.addingTimeInterval(TimeInterval(ttl))
        return .token(context.metadataTokens.make(subject: instanceID, expiry: expiry), ttl: ttl)
    }
}
