/// The accounts, access keys and organizations Kiln knows, and how an access key maps to an account.
///
/// The rule is the one LocalStack users know: an access key id of twelve digits is that
/// account; a key declared in the configuration belongs to its account; any other key acts as
/// the default account.
public struct IdentityDirectory: Sendable {
    /// An account declared in the configuration.
    public struct Account: Sendable, Equatable, Codable {
        /// The account number.
        public var id: AccountID
        /// A friendly name, shown in logs.
        public var alias: String?
        /// The account's access keys.
        public var accessKeys: [AccessKey]
        /// Whether the account may run the store's maintenance (garbage collection, verification)
        /// when signatures are checked.
        public var admin: Bool?

        /// Declares an account.
        public init(id: AccountID, alias: String? = nil, accessKeys: [AccessKey] = [], admin: Bool? = nil) {
            self.id = id
            self.alias = alias
            self.accessKeys = accessKeys
            self.admin = admin
        }
    }

    /// A long-term access key. The secret is only used to verify signatures; it is never logged.
    public struct AccessKey: Sendable, Equatable, Codable, CustomStringConvertible {
        /// The key id a client puts in its credential scope.
        public var accessKeyId: String
        /// The secret a client signs with.
        public var secretAccessKey: String

        /// Declares a key.
        public init(accessKeyId: String, secretAccessKey: String) {
            self.accessKeyId = accessKeyId
            self.secretAccessKey = secretAccessKey
        }

        /// The key id only: secrets stay out of logs and error messages.
        public var description: String { "AccessKey(\(accessKeyId))" }
    }

    /// An organization: a management account and organizational units of member accounts.
    public struct Organization: Sendable, Equatable, Codable {
        /// An organizational unit.
        public struct Unit: Sendable, Equatable, Codable {
            /// `ou-…`.
            public var id: String
            /// A friendly name.
            public var name: String?
            /// The member accounts in this unit.
            public var accounts: [AccountID]

            /// Declares a unit.
            public init(id: String, name: String? = nil, accounts: [AccountID]) {
                self.id = id
                self.name = name
                self.accounts = accounts
            }
        }

        /// `o-…`.
        public var id: String
        /// The management account.
        public var managementAccount: AccountID
        /// The organization's units.
        public var units: [Unit]

        /// Declares an organization.
        public init(id: String, managementAccount: AccountID, units: [Unit]) {
            self.id = id
            self.managementAccount = managementAccount
            self.units = units
        }

        /// The organization's ARN, as launch permissions name it.
        public var arn: String { "arn:aws:organizations::\(managementAccount):organization/\(id)" }

        /// Every account in the organization, the management account included.
        public var members: Set<AccountID> {
            Set(units.flatMap(\.accounts)).union([managementAccount])
        }
    }

    /// The account used for keys that name no account.
    public var defaultAccount: AccountID
    /// Declared accounts, by id.
    public private(set) var accounts: [AccountID: Account]
    /// Declared organizations.
    public var organizations: [Organization]
    private var keys: [String: (account: AccountID, secret: String)]

    /// A directory with the given accounts and organizations.
    public init(defaultAccount: AccountID = .defaultAccount, accounts: [Account] = [], organizations: [Organization] = []) {
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
    public func account(forAccessKey accessKeyID: String) -> AccountID {
        if let declared = keys[accessKeyID] { return declared.account }
        if let numeric = AccountID(accessKeyID) { return numeric }
        return defaultAccount
    }

    /// The secret of a declared key; `nil` for keys the configuration does not declare.
    public func secret(forAccessKey accessKeyID: String) -> String? {
        keys[accessKeyID]?.secret
    }

    /// The organization an account belongs to, if any.
    public func organization(of account: AccountID) -> Organization? {
        organizations.first { $0.members.contains(account) }
    }
}
