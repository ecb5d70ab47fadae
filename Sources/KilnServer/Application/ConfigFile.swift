import Foundation
import KilnCore

/// The JSON file `kiln serve --config` reads:
///
/// ```json
/// {
///   "accounts": [{"id": "111111111111", "alias": "dev",
///                 "accessKeys": [{"accessKeyId": "AKIADEV", "secretAccessKey": "…"}]}],
///   "organizations": [{"id": "o-example", "managementAccount": "111111111111",
///                      "units": [{"id": "ou-root-prod", "name": "prod", "accounts": ["222222222222"]}]}],
///   "regions": ["us-east-1", "eu-west-1"]
/// }
/// ```
///
/// Every key is optional.
package struct ConfigFile: Decodable, Sendable {
    /// Declared accounts and their keys.
    package var accounts: [IdentityDirectory.Account]?
    /// Declared organizations.
    package var organizations: [IdentityDirectory.Organization]?
    /// The regions to serve, instead of the default ones.
    package var regions: [String]?

    /// Reads and checks the file at `path`.
    package static func load(path: String) throws -> ConfigFile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigurationError("cannot read the config file \(path): \(error.localizedDescription)")
        }
        do {
            return try JSONDecoder().decode(ConfigFile.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            throw ConfigurationError(
                "the config file \(path) is not valid: \(context.debugDescription) at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
            )
        } catch let DecodingError.keyNotFound(key, context) {
            throw ConfigurationError(
                "the config file \(path) lacks '\(key.stringValue)' at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
            )
        } catch {
            throw ConfigurationError("the config file \(path) is not valid: \(error)")
        }
    }
}

/// A configuration Kiln cannot start with; the message says what to fix.
package struct ConfigurationError: Error, CustomStringConvertible {
    /// What is wrong.
    package var description: String

    init(_ description: String) {
        self.description = description
    }
}
