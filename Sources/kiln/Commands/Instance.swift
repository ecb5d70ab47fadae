import ArgumentParser
import Foundation

extension Kiln {
    /// `kiln instance`: what an instance's machine shows.
    struct Instance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Follow an instance's machine.",
            subcommands: [Console.self]
        )
    }
}

extension Kiln.Instance {
    /// `kiln instance console i-… [--follow]`: the serial console through GetConsoleOutput.
    struct Console: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print an instance's serial console (its last 64 KiB, as GetConsoleOutput gives it).",
            discussion: "With --follow, keeps printing what the console adds, once a second, until interrupted."
        )

        @Argument(help: "The instance id (i-…).") var instance: String
        @Flag(help: "Keep printing what the console adds.") var follow = false
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let kiln = KilnClient(try client.resolve())
            var printed = ""
            do {
                repeat {
                    let answer = try await kiln.ec2([
                        ("Action", "GetConsoleOutput"), ("Version", "2016-11-15"), ("InstanceId", instance), ("Latest", "true"),
                    ])
                    let encoded = KilnClient.firstElement("output", in: answer) ?? ""
                    let text = Data(base64Encoded: encoded).map { String(decoding: $0, as: UTF8.self) } ?? ""
                    FileHandle.standardOutput.write(Data(Self.added(to: printed, now: text).utf8))
                    printed = text
                    if follow { try await Task.sleep(for: .seconds(1)) }
                } while follow
            } catch {
                await kiln.shutdown()
                throw error
            }
            await kiln.shutdown()
        }

        /// What `now` adds to what was `printed`: the new suffix when the console only grew,
        /// else all of `now` (its 64 KiB window moved past what was printed).
        static func added(to printed: String, now: String) -> String {
            if now.hasPrefix(printed) { return String(now.dropFirst(printed.count)) }
            let overlap = printed.suffix(4096)
            if let range = now.range(of: overlap) { return String(now[range.upperBound...]) }
            return now
        }
    }
}
