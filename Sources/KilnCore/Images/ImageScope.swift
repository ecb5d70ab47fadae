import Foundation

/// The scoping DescribeImages applies beyond visibility: owners, executable users, and whether
/// deprecated and disabled images are listed.
struct ImageScope: Sendable {
    var region: RegionName
    var viewer: Viewer
    var now: Date
    /// Owners given as account ids, which narrow the store's query itself; `nil` when none
    /// were given, or when an alias is among them.
    var accountOwners: [AccountID]?
    /// Owners to match after the query, when an alias (`amazon`, `aws-marketplace`) is among them.
    var ownerNames: Set<String> = []
    var executableUsers: [String]?
    var includeDeprecated: Bool
    var includeDisabled: Bool

    /// The scope of `request` for `caller`; an owner that is neither an account, `self`, nor a
    /// known alias is refused.
    init(_ caller: Caller, _ request: ImageDescription, viewer: Viewer, now: Date) throws {
        region = caller.region
        self.viewer = viewer
        self.now = now
        executableUsers = request.executableUsers
        includeDeprecated = request.includeDeprecated
        includeDisabled = request.includeDisabled
        guard let owners = request.owners, !owners.isEmpty else { return }
        var accounts: [AccountID] = []
        var aliases: [String] = []
        for owner in owners {
            if owner == "self" {
                accounts.append(caller.account)
            } else if let account = AccountID(owner) {
                accounts.append(account)
            } else if ["amazon", "aws-marketplace", "aws-backup-vault"].contains(owner) {
                aliases.append(owner)
            } else {
                throw CloudError.malformedUserID(owner)
            }
        }
        if aliases.isEmpty {
            accountOwners = accounts
        } else {
            ownerNames = Set(aliases + accounts.map(\.rawValue))
        }
    }

    /// Whether `image`, which the viewer may see, is in the scope.
    func admits(_ image: Image, explicitlyNamed: Bool) -> Bool {
        if !ownerNames.isEmpty, !ownerNames.contains(image.owner.rawValue), !(image.ownerAlias.map(ownerNames.contains) ?? false) {
            return false
        }
        if image.state == .disabled, !includeDisabled { return false }
        if image.isDeprecated(at: now), image.owner != viewer.account, !includeDeprecated, !explicitlyNamed { return false }
        if let executableUsers, !executableUsers.isEmpty, !executableUsers.contains(where: { canLaunch(image, asUser: $0) }) {
            return false
        }
        return true
    }

    /// Whether `user` (`all`, `self`, or an account id) is granted launch permission on `image`.
    private func canLaunch(_ image: Image, asUser user: String) -> Bool {
        switch user {
        case "all": return image.isPublic
        case "self", viewer.account.rawValue:
            return image.launchPermissions.contains { grant in
                switch grant {
                case .all: return false
                case .account(let account): return account == viewer.account
                case .organization(let arn): return arn == viewer.organizationARN
                case .organizationalUnit(let arn): return viewer.organizationalUnitARNs.contains(arn)
                }
            }
        default: return AccountID(user).map { image.launchPermissions.contains(.account($0)) } ?? false
        }
    }
}
