/// The accounts, access keys and organizations Kiln knows, and how an access key maps to an account.
///
/// The rule is the one LocalStack users know: an access key id of twelve digits is that
/// account; a key declared in the configuration belongs to its account; any other key acts as
/// the default account.
package struct IdentityDirectory: Sendable {
    /// An account declared in the configuration.
    package struct Account: Sendable, Equatable, Codable {
        /// The account number.
        package var id: AccountID
        /// A friendly name, shown in logs.
        package var alias: String?
        /// The account's access keys.
        package var accessKeys: [AccessKey]
        /// Whether the account may run the store's maintenance (garbage collection, verification)
        /// when signatures are checked.
        package var admin: Bool?

        /// Declares an account.
        package init(id: AccountID, alias: String? = nil, accessKeys: [AccessKey] = [], admin: Bool? = nil) {
            self.id = id
            self.alias = alias
            self.accessKeys = accessKeys
            self.admin = admin
        }
    }

    /// A long-term access key. The secret is only used to verify signatures; it is never logged.
    package struct AccessKey: Sendable, Equatable, Codable, CustomStringConvertible {
        /// The key id a client puts in its credential scope.
        package var accessKeyId: String
        /// The secret a client signs with.
        package var secretAccessKey: String

        /// Declares a key.
        package init(accessKeyId: String, secretAccessKey: String) {
            self.accessKeyId = accessKeyId
            self.secretAccessKey = secretAccessKey
        }

        /// The key id only: secrets stay out of logs and error messages.
        package var description: String { "AccessKey(\(accessKeyId))" }
    }

    /// An organization: a management account and organizational units of member accounts.
    package struct Organization: Sendable, Equatable, Codable {
        /// An organizational unit.
        package struct Unit: Sendable, Equatable, Codable {
            /// `ou-…`.
            package var id: String
            /// A friendly name.
            package var name: String?
            /// The member accounts in this unit.
            package var accounts: [AccountID]

            /// Declares a unit.
            package init(id: String, name: String? = nil, accounts: [AccountID]) {
                self.id = id
                self.name = name
                self.accounts = accounts
            }
        }

        /// `o-…`.
        package var id: String
        /// The management account.
        package var managementAccount: AccountID
        /// The organization's units.
        package var units: [Unit]

        /// Declares an organization.
        package init(id: String, managementAccount: AccountID, units: [Unit]) {
            self.id = id
            self.managementAccount = managementAccount
            self.units = units
        }

        /// The organization's ARN, as launch permissions name it.
        package var arn: String { "arn:aws:organizations::\(managementAccount):organization/\(id)" }

        /// Every account in the organization, the management account included.
        package var members: Set<AccountID> {
            Set(units.flatMap(\.accounts)).union([managementAccount])
        }
    }

    /// The account used for keys that name no account.
    package var defaultAccount: AccountID
    /// Declared accounts, by id.
    package private(set) var accounts: [AccountID: Account]
    /// Declared organizations.
    package var organizations: [Organization]
    private var keys: [String: (account: AccountID, secret: String)]

    /// A directory with the given accounts and organizations.
    package init(defaultAccount: AccountID = .defaultAccount, accounts: [Account] = [], organizations: [Organization] = []) {
        self.defaultAccount = defaultAccount
        self.accounts = Dictionary(accounts.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        self.organizations = organizations
        var keys: [String: (account: AccountID, secret: String)] = [:]
        for account in accounts {
            for key in account.accessKeys {
                keys[key.accessKeyId] = (account.id, key.secretAccessKey)
            }
        }
        self.keys = keys
    }

    /// The account an access key acts as.
    package func account(forAccessKey accessKeyID: String) -> AccountID {
        if let declared = keys[accessKeyID] { return declared.account }
        if let numeric = AccountID(accessKeyID) { return numeric }
        return defaultAccount
    }

    /// The secret of a declared key; `nil` for keys the configuration does not declare.
    package func secret(forAccessKey accessKeyID: String) -> String? {
        keys[accessKeyID]?.secret
    }

    /// The organization an account belongs to, if any.
    package func organization(of account: AccountID) -> Organization? {
        organizations.first { $0.members.contains(account) }
    }
}
