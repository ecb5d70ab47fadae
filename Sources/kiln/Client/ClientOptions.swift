import ArgumentParser
import Foundation

/// Where the server is and who is asking: the options every client command shares.
///
/// As with the aws CLI, the endpoint comes from `--endpoint-url` or `AWS_ENDPOINT_URL`, the
/// region from `--region`, `AWS_REGION` or `AWS_DEFAULT_REGION`, and credentials from
/// `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` or the profile (`--profile`, `AWS_PROFILE`)
/// in `~/.aws/credentials` and `~/.aws/config`.
struct ClientOptions: ParsableArguments {
    @Option(help: "The Kiln server, such as http://127.0.0.1:8787 (default: $AWS_ENDPOINT_URL).")
    var endpointURL: String?

    @Option(help: "The region (default: $AWS_REGION, $AWS_DEFAULT_REGION, the profile's, or us-east-1).")
    var region: String?

    @Option(help: "The profile in ~/.aws/credentials and ~/.aws/config (default: $AWS_PROFILE or 'default').")
    var profile: String?

    /// The resolved settings.
    func resolve() throws -> ClientSettings {
        let environment = ProcessInfo.processInfo.environment
        guard let endpoint = endpointURL ?? environment["AWS_ENDPOINT_URL"], let url = URL(string: endpoint), url.host != nil else {
            throw ValidationError("Say where Kiln is: --endpoint-url http://127.0.0.1:8787 or export AWS_ENDPOINT_URL.")
        }
        let profileName = profile ?? environment["AWS_PROFILE"] ?? "default"
        let home = FileManager.default.homeDirectoryForCurrentUser.path
        let credentialsFile = environment["AWS_SHARED_CREDENTIALS_FILE"] ?? "\(home)/.aws/credentials"
        let configFile = environment["AWS_CONFIG_FILE"] ?? "\(home)/.aws/config"
        let credentials = Self.iniSection(credentialsFile, profileName)
        let config = Self.iniSection(configFile, profileName == "default" ? "default" : "profile \(profileName)")
        let accessKey = environment["AWS_ACCESS_KEY_ID"] ?? credentials["aws_access_key_id"] ?? "test"
        let secret = environment["AWS_SECRET_ACCESS_KEY"] ?? credentials["aws_secret_access_key"] ?? "test"
        let region = self.region ?? environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? config["region"] ?? "us-east-1"
        return ClientSettings(endpoint: url, region: region, accessKeyID: accessKey, secretAccessKey: secret)
    }

    /// The keys of one `[section]` of an INI file; empty when the file or section is absent.
    static func iniSection(_ path: String, _ section: String) -> [String: String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
        var current: String?
        var values: [String: String] = [:]
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") && line.hasSuffix("]") {
                current = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
            } else if current == section, let equals = line.firstIndex(of: "=") {
                values[line[..<equals].trimmingCharacters(in: .whitespaces)] = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return values
    }
}

/// Resolved client settings.
struct ClientSettings: Sendable {
    var endpoint: URL
    var region: String
    var accessKeyID: String
    var secretAccessKey: String
}
