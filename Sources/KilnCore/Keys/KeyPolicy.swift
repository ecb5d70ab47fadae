import Foundation

/// Evaluates who may use a KMS key: its owner's account, principals its key policy allows,
/// and grantees of its grants. An explicit `Deny` in the policy wins.
package enum KeyPolicy {
    /// Whether a policy document is one Kiln can evaluate: JSON with a `Statement`.
    static func isWellFormed(_ policy: String) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: Data(policy.utf8)) as? [String: Any] else { return false }
        return object["Statement"] is [[String: Any]] || object["Statement"] is [String: Any]
    }

    /// Whether `account` may perform `action` (such as `kms:Decrypt`) with `key`.
    package static func allows(_ key: KMSKey, account: AccountID, action: String) -> Bool {
        let statements = self.statements(key.policy)
        let applicable = statements.filter { principals($0, include: account) && actions($0, include: action) }
        if applicable.contains(where: { ($0["Effect"] as? String) == "Deny" }) { return false }
        if applicable.contains(where: { ($0["Effect"] as? String) == "Allow" }) { return true }
        let operation = action.hasPrefix("kms:") ? String(action.dropFirst(4)) : action
        return key.grants.contains { grant in
            principal(grant.granteePrincipal, isIn: account) && grant.operations.contains(operation)
        }
    }

    private static func statements(_ policy: String) -> [[String: Any]] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(policy.utf8)) as? [String: Any] else { return [] }
        if let many = object["Statement"] as? [[String: Any]] { return many }
        if let one = object["Statement"] as? [String: Any] { return [one] }
        return []
    }

    private static func strings(_ value: Any?) -> [String] {
        if let text = value as? String { return [text] }
        return value as? [String] ?? []
    }

    private static func principals(_ statement: [String: Any], include account: AccountID) -> Bool {
        if let star = statement["Principal"] as? String { return star == "*" }
        guard let principal = statement["Principal"] as? [String: Any] else { return false }
        return strings(principal["AWS"]).contains { $0 == "*" || Self.principal($0, isIn: account) }
    }

    /// Whether a principal (`111122223333`, `arn:aws:iam::111122223333:root`, a role or user of
    /// that account) belongs to `account`.
    static func principal(_ principal: String, isIn account: AccountID) -> Bool {
        principal == account.rawValue || principal.hasPrefix("arn:aws:iam::\(account.rawValue):")
    }

    private static func actions(_ statement: [String: Any], include action: String) -> Bool {
        strings(statement["Action"]).contains { Wildcard.matches(pattern: $0.lowercased(), action.lowercased()) }
    }
}
