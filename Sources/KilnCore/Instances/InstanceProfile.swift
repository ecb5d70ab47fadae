import Crypto

/// The IAM instance profile an instance runs with. Kiln does not serve IAM: a profile given by
/// name is taken to be the caller's, and any well-formed ARN is accepted.
package struct InstanceProfile: Sendable, Codable, Equatable {
    /// `arn:aws:iam::ACCOUNT:instance-profile/PATH/NAME`.
    package var arn: String
    /// AWS's form of a profile id: `AIPA` and 17 upper-case letters and digits, derived from the ARN.
    package var id: String

    /// The profile a RunInstances call or launch template names by `arn` or `name` (one of the
    /// two); `nil` when both are absent or empty, as tools such as Packer send for none.
    package init?(arn: String?, name: String?, account: AccountID) throws {
        let arn = arn.flatMap { $0.isEmpty ? nil : $0 }
        let name = name.flatMap { $0.isEmpty ? nil : $0 }
        switch (arn, name) {
        case (let arn?, nil):
            guard Self.isProfileARN(arn) else { throw CloudError.invalidInstanceProfileARN(arn) }
            self.arn = arn
        case (nil, let name?):
            guard name.count <= 128, !name.contains("/") else { throw CloudError.invalidInstanceProfileName(name) }
            self.arn = "arn:aws:iam::\(account.rawValue):instance-profile/\(name)"
        case (.some, .some): throw CloudError.instanceProfileNameAndARN
        case (nil, nil): return nil
        }
        id = Self.profileID(for: self.arn)
    }

    /// Whether `text` is the ARN of an instance profile.
    static func isProfileARN(_ text: String) -> Bool {
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[1].hasPrefix("aws"), parts[2] == "iam", parts[3].isEmpty else { return false }
        return AccountID(String(parts[4])) != nil && parts[5].hasPrefix("instance-profile/") && parts[5].count > "instance-profile/".count
    }

    /// A stable id for the profile `arn` names.
    static func profileID(for arn: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        let digest = Array(SHA256.hash(data: Array(arn.utf8)))
        return "AIPA" + String(digest.prefix(17).map { alphabet[Int($0) % alphabet.count] })
    }
}
