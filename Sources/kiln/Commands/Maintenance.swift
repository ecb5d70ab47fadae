import ArgumentParser
import Foundation

extension Kiln {
    /// `kiln verify`: re-hash every stored block.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-hash every stored block and check that every block a snapshot or volume names is stored.",
            discussion: "Prints the report as JSON; exits 1 when it lists problems."
        )
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let report = try await Kiln.call("POST", "/kiln/admin/verify", client)
            if let problems = report["problems"] as? [String], !problems.isEmpty { throw ExitCode(1) }
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
    static func call(_ method: String, _ path: String, _ options: ClientOptions) async throws -> [String: Any] {
        let kiln = KilnClient(try options.resolve())
        let answer: KilnClient.Answer
        do {
            answer = try await kiln.send(method, path: path, service: "ec2")
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
