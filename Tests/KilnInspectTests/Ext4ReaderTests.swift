import Foundation
import Testing

@testable import KilnInspect

@Suite("ext4 reader", .timeLimit(.minutes(2)))
struct Ext4ReaderTests {
    /// Bytes that do not repeat, so a block read from the wrong place shows.
    static func pattern(_ count: Int, seed: UInt32) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(truncatingIfNeeded: state >> 24)
        }
    }

    @Test("Files read back byte for byte through extents, ext2 block pointers and large directories", arguments: ["ext4", "ext2"])
    func contentsRoundTrip(type: String) async throws {
        let fixture = try ImageFixture()
        defer { fixture.remove() }
        var files: [String: [UInt8]] = [
            "/big/file.bin": Self.pattern(3 << 20, seed: 1),
            "/small.txt": Array("hello\n".utf8),
            "/mid.bin": Self.pattern(300_000, seed: 2),
        ]
        for index in 0..<600 { files["/many/entry-\(index).txt"] = Array("\(index)\n".utf8) }
        let image = try fixture.makeFileSystem(
            fixture.directory.appendingPathComponent("\(type).img"),
            tree: fixture.tree(files),
            type: type,
            megabytes: 24,
            options: ["-b", "1024"]
        )
        let fileSystem = try #require(try await Ext4FileSystem.open(try FileBytes(image.path)))
        #expect(fileSystem.superblock.blockSize == 1024)
        #expect(fileSystem.superblock.typeName == type)
        let walk = try await FileSystemWalk.walk(fileSystem)
        #expect(walk.problems.isEmpty)
        #expect(walk.files.filter { $0.path.hasPrefix("/many/") }.count == 600, "every entry of a directory spread over many blocks")
        for (path, expected) in files where !path.hasPrefix("/many/") || path.hasSuffix("-599.txt") {
            let record = try #require(walk.files.first { $0.path == path }, "\(path) is found")
            let contents = try await fileSystem.contents(of: record.inode)
            #expect(contents == expected, "\(path) reads back")
        }
    }

    @Test("Bytes that hold no superblock are not a file system")
    func notAFileSystem() async throws {
        let fixture = try ImageFixture()
        defer { fixture.remove() }
        let path = fixture.directory.appendingPathComponent("zero.img")
        try Data(count: 1 << 20).write(to: path)
        #expect(try await Ext4FileSystem.open(try FileBytes(path.path)) == nil)
    }
}

@Suite("Finding rules")
struct FindingRuleTests {
    @Test("Access key ids stand alone, and a secret beside them is noticed")
    func accessKeys() {
        #expect(ContentRules.accessKeyIDs(in: Array("id=ASIAY34FZKBOKMUTVV7A;".utf8)).map(\.1) == ["ASIAY34FZKBOKMUTVV7A"])
        #expect(ContentRules.accessKeyIDs(in: Array("XAKIAIOSFODNN7EXAMPLE".utf8)).isEmpty, "part of a longer word")
        #expect(ContentRules.accessKeyIDs(in: Array("AKIAIOSFODNN7EXAMPLEX".utf8)).isEmpty, "too long")
        #expect(ContentRules.hasSecretAccessKey(Array(" wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n".utf8)))
        #expect(!ContentRules.hasSecretAccessKey(Array(String(repeating: "a", count: 40).utf8)), "one case only")
        #expect(!ContentRules.hasSecretAccessKey(Array("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYX".utf8)), "41 characters")
    }

    @Test("PEM private keys of every kind, but not certificates or public keys")
    func pemBlocks() {
        let body = "MIIEowIBAAKCAQEAfixturefixturefixturefixturefixturefixture0123456789"
        for label in ["RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY", "ENCRYPTED PRIVATE KEY"] {
            #expect(ContentRules.secrets(in: Array("x\n-----BEGIN \(label)-----\n\(body)\n".utf8)).map(\.0) == [.privateKey], "\(label)")
        }
        #expect(ContentRules.secrets(in: Array("-----BEGIN CERTIFICATE-----\n\(body)\n-----BEGIN PUBLIC KEY-----\n\(body)\n".utf8)).isEmpty)
        let json = #"{"private_key": "-----BEGIN PRIVATE KEY-----\n"# + body + #"\n-----END PRIVATE KEY-----\n"}"#
        #expect(ContentRules.secrets(in: Array(json.utf8)).map(\.0) == [.privateKey], "a key in a JSON credentials file")
        let source = #"_SK_START = b"-----BEGIN OPENSSH PRIVATE KEY-----"\n_SK_END = b"-----END OPENSSH PRIVATE KEY-----"\n"#
        #expect(ContentRules.secrets(in: Array(source.utf8)).isEmpty, "a parser's constant is not a key")
        #expect(
            ContentRules.secrets(in: Array("-----BEGIN RSA PRIVATE KEY-----".utf8) + [0, 1, 2] + Array(body.utf8)).isEmpty,
            "nor is a string in a program"
        )
    }

    @Test("Paths: host keys, histories, credentials and groups; empty files are nothing")
    func paths() {
        #expect(PathRules.match("/etc/ssh/ssh_host_rsa_key", size: 10) == .file(.sshHostKey, "SSH host private key"))
        #expect(PathRules.match("/etc/ssh/ssh_host_rsa_key.pub", size: 10) == nil)
        #expect(PathRules.match("/home/ci/.zsh_history", size: 10) == .file(.shellHistory, "history of ci"))
        #expect(PathRules.match("/root/.bash_history", size: 0) == nil)
        #expect(PathRules.match("/root/.docker/config.json", size: 5) == .file(.cloudCredentials, "Docker registry credentials"))
        #expect(PathRules.match("/var/lib/apt/lists/deb.debian.org_dists", size: 5) == .group(.packageCache, "/var/lib/apt/lists"))
        #expect(PathRules.match("/home/ci/.cache/pip/http/a", size: 5) == .group(.packageCache, "/home/ci/.cache/pip"))
        #expect(PathRules.match("/var/log/journal/abc/system.journal", size: 5) == .group(.log, "/var/log/journal"))
        #expect(PathRules.match("/etc/machine-id", size: 0) == nil, "an empty machine id is what a clean image has")
    }
}
