import ArgumentParser
import Foundation
import KilnBlocks
import KilnServer

extension Kiln {
    /// `kiln verify`: re-hash every stored block.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-hash every stored block and check that every block a snapshot or volume names is stored.",
            discussion: "Prints the report as JSON; exits 1 when it lists problems."
        )
        @OptionGroup var client: ClientOptions

        @Option(help: "Check this data directory itself (a backup, say) instead of asking a server; no server may be using it.")
        var dataDir: String?

        func run() async throws {
            if let dataDir {
                var configuration = ServerConfiguration()
                configuration.dataDirectory = dataDir
                let report = try await KilnApplication.makeCloud(configuration).maintenance.verify()
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
                if !report.problems.isEmpty { throw ExitCode(1) }
                return
            }
            let report = try await Kiln.call("POST", "/kiln/admin/verify", client)
            if let problems = report["problems"] as? [String], !problems.isEmpty { throw ExitCode(1) }
        }
    }

    /// `kiln backup DIR`: a consistent copy of the server's data directory.
    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy the running server's data directory, consistently, into a new or empty directory on its machine.",
            discussion: """
                The metadata is copied with SQLite's online backup, then the pack files and objects, with garbage \
                collection held off; the master key keeps mode 0600. Writes go on meanwhile. To restore, stop the \
                server and serve the copy (kiln serve --data-dir DIR); kiln verify --data-dir DIR checks it first.
                """
        )
        @OptionGroup var client: ClientOptions

        @Argument(help: "Where the copy goes, on the server's machine: a new or empty directory.")
        var directory: String

        func run() async throws {
            let absolute = URL(fileURLWithPath: directory).standardizedFileURL.path
            let encoded = absolute.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? absolute
            _ = try await Kiln.call("POST", "/kiln/admin/backup", client, query: "to=\(encoded)")
        }
    }

    /// `kiln gc`: reclaim the space of deleted snapshots and volumes.
    struct GC: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gc",
            abstract: "Reclaim the space of blocks no snapshot, volume or upload refers to any more.",
            discussion: "Blocks stored or reused in the last ten minutes are kept, so uploads in progress are safe."
        )
        @OptionGroup var client: ClientOptions

        func run() async throws { _ = try await Kiln.call("POST", "/kiln/admin/gc", client) }
    }

    /// `kiln storage`: what the account's snapshots store and would cost.
    struct Storage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what the account's snapshots store, and what AWS would bill for it per month."
        )
        @OptionGroup var client: ClientOptions

        func run() async throws { _ = try await Kiln.call("GET", "/kiln/storage", client) }
    }

    /// Calls a `/kiln/` route, prints its JSON answer and returns it.
    static func call(_ method: String, _ path: String, _ options: ClientOptions, query: String = "") async throws -> [String: Any] {
        let kiln = KilnClient(try options.resolve())
        let answer: KilnClient.Answer
        do {
            answer = try await kiln.send(method, path: path, query: query, service: "ec2")
            await kiln.shutdown()
        } catch {
            await kiln.shutdown()
            throw error
        }
        try KilnClient.check(answer)
        let object = try answer.json()
        let pretty = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        print(String(decoding: pretty, as: UTF8.self))
        return object
    }
}
