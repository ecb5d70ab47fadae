import Foundation
import KilnCore

/// How the console's sign-in establishes the account, after the server's `--auth` mode.
package enum ConsoleSignIn: Sendable {
    /// `--auth dev`: the user chooses an account, as any access key may act as any account.
    case chooseAccount
    /// `--auth strict`: an access key id and its secret, checked against the keys the
    /// signature check uses.
    case accessKey

    /// The account and access key the sign-in form's `fields` establish.
    func account(_ fields: FormFields, identity: IdentityDirectory) throws -> (AccountID, String) {
        switch self {
        case .chooseAccount:
            let text = fields.text("account") ?? identity.defaultAccount.rawValue
            guard let account = AccountID(text) else { throw CloudError.consoleAccountInvalid(text) }
            return (account, account.rawValue)
        case .accessKey:
            let keyID = fields.text("accessKeyId") ?? ""
            let secret = fields["secretAccessKey"] ?? ""
            // The secret is compared even when the key is unknown, so timing tells nothing.
            let stored = identity.secret(forAccessKey: keyID)
            let matches = RandomToken.matches(stored ?? RandomToken.make(), secret)
            guard stored != nil, matches else { throw CloudError.consoleSignInFailed }
            return (identity.account(forAccessKey: keyID), keyID)
        }
    }
}
