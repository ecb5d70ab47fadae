import Foundation

/// Why an account cannot use the KMS key that protects some data, as EC2 finds out when it
/// creates a volume, boots an instance or completes a copy.
package enum KeyProblem: Sendable, Equatable {
    case notFound
    case disabled
    case pendingDeletion
    /// The key's policy and grants do not let the account decrypt with it.
    case accessDenied

    /// The `StateReason` an instance that cannot boot shows, as AWS words it.
    package var launchFailure: Instance.StateReason {
        switch self {
        case .disabled, .pendingDeletion:
            return Instance.StateReason(
                code: "Client.InvalidKMSKey.InvalidState",
                message: "Client.InvalidKMSKey.InvalidState: The KMS key provided is in an incorrect state"
            )
        case .notFound, .accessDenied:
            return Instance.StateReason(code: "Client.InternalError", message: "Client.InternalError: Client error on launch")
        }
    }

    /// A sentence for a failed snapshot or image.
    package func message(_ arn: String) -> String {
        switch self {
        case .notFound: return "The KMS key \(arn) does not exist or is not accessible."
        case .disabled: return "The KMS key \(arn) is disabled."
        case .pendingDeletion: return "The KMS key \(arn) is pending deletion."
        case .accessDenied: return "The account is not allowed to use the KMS key \(arn)."
        }
    }

    /// What stops `account` from decrypting with the key `arn` names (a key or alias ARN), or
    /// `nil` when nothing does.
    static func of(_ arn: String, for account: AccountID, in transaction: any MetadataTransaction) throws -> KeyProblem? {
        guard let (owner, region, resource) = KMSKey.parseARN(arn),
            let key = try KMSKey.lookup(resource, account: owner, region: region, in: transaction)
        else { return .notFound }
        switch key.state {
        case .disabled: return .disabled
        case .pendingDeletion: return .pendingDeletion
        case .enabled: break
        }
        if key.owner != account, !KeyPolicy.allows(key, account: account, action: "kms:Decrypt") { return .accessDenied }
        return nil
    }

    /// The first problem with any of `arns` for `account`.
    static func first(of arns: [String?], for account: AccountID, in transaction: any MetadataTransaction) throws -> (KeyProblem, String)? {
        for case let arn? in arns {
            if let problem = try of(arn, for: account, in: transaction) { return (problem, arn) }
        }
        return nil
    }
}
