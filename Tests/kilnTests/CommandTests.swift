import ArgumentParser
import Foundation
import Testing

@testable import kiln

/// The `kiln` command's arguments and the text it prints.
@Suite("The kiln command", .timeLimit(.minutes(1)))
struct CommandTests {
    @Test("serve takes its defaults, and refuses a bad port, account or auth mode")
    func serveArguments() throws {
        let defaults = try #require(try Kiln.parseAsRoot(["serve"]) as? Kiln.Serve)
        #expect(defaults.host == "127.0.0.1" && defaults.port == 8787 && defaults.dataDir == "./kiln-data")
        let chosen = try #require(try Kiln.parseAsRoot(["serve", "--port", "9000", "--auth", "strict", "--enable-test-reset"]) as? Kiln.Serve)
        #expect(chosen.port == 9000 && chosen.enableTestReset)
        #expect(throws: (any Error).self) { try Kiln.parseAsRoot(["serve", "--port", "70000"]) }
        #expect(throws: (any Error).self) { try Kiln.parseAsRoot(["serve", "--default-account", "12"]) }
        #expect(throws: (any Error).self) { try Kiln.parseAsRoot(["serve", "--auth", "sometimes"]) }
    }

    @Test("An unknown subcommand is refused, and help names every subcommand")
    func subcommands() {
        #expect(throws: (any Error).self) { try Kiln.parseAsRoot(["bake"]) }
        let help = Kiln.helpMessage()
        for name in ["serve", "image", "volume", "bundle", "verify", "gc", "storage"] {
            #expect(help.contains(name), "help names \(name)")
        }
    }

    @Test("Client settings: the endpoint is required, the profile's region and keys are read from the AWS files")
    func clientSettings() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-command-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let credentials = directory.appendingPathComponent("credentials")
        try "[default]\naws_access_key_id = AKIAONE\n\n[team]\naws_access_key_id = 111122223333\naws_secret_access_key = s3cret\n"
            .write(to: credentials, atomically: true, encoding: .utf8)
        #expect(ClientOptions.iniSection(credentials.path, "team") == ["aws_access_key_id": "111122223333", "aws_secret_access_key": "s3cret"])
        #expect(ClientOptions.iniSection(credentials.path, "missing").isEmpty)
        #expect(ClientOptions.iniSection(directory.appendingPathComponent("absent").path, "default").isEmpty)
    }

    @Test("Progress figures read as people write them")
    func progressText() {
        #expect(ProgressBar.bytes(512) == "512 B")
        #expect(ProgressBar.bytes(1536) == "1.5 KiB")
        #expect(ProgressBar.bytes(3 * 1024 * 1024 * 1024) == "3.0 GiB")
        #expect(ProgressBar.duration(59) == "0:59")
        #expect(ProgressBar.duration(3_725) == "1:02:05")
    }
}
