import Foundation
import KilnInspect

/// A disk image file, read through `pread`.
struct FileBytes: ByteSource {
    let path: String
    let size: Int

    init(_ path: String) throws {
        self.path = path
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        self.size = (attributes[.size] as? NSNumber)?.intValue ?? 0
    }

    func read(offset: Int, length: Int) async throws -> [UInt8] {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(offset))
        var bytes = [UInt8](try handle.read(upToCount: length) ?? Data())
        if bytes.count < length { bytes += [UInt8](repeating: 0, count: length - bytes.count) }
        return bytes
    }
}

/// Builds disk images with e2fsprogs and util-linux in a temporary directory.
struct ImageFixture {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-inspect-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// A tree of files under `tree/`, from paths to contents.
    func tree(_ files: [String: [UInt8]], name: String = "tree") throws -> URL {
        let root = directory.appendingPathComponent(name)
        for (path, bytes) in files {
            let url = root.appendingPathComponent(String(path.dropFirst()))
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        return root
    }

    /// An image of `megabytes` MiB holding a file system made by `mkfs.TYPE -d tree`, at `offset`.
    @discardableResult
    func makeFileSystem(
        _ image: URL,
        tree: URL,
        type: String = "ext4",
        megabytes: Int,
        offset: Int = 0,
        options: [String] = []
    ) throws -> URL {
        if !FileManager.default.fileExists(atPath: image.path) {
            FileManager.default.createFile(atPath: image.path, contents: nil)
            let handle = try FileHandle(forWritingTo: image)
            try handle.truncate(atOffset: UInt64(offset + megabytes << 20))
            try handle.close()
        }
        var arguments = ["-q", "-F", "-d", tree.path, "-L", "kilnfixture"] + options
        if offset > 0 { arguments += ["-E", "offset=\(offset)"] }
        arguments += [image.path, "\(megabytes << 10)k"]
        try Self.run(Self.tool("mkfs.\(type)"), arguments)
        return image
    }

    /// An empty image file of `megabytes` MiB with the partition table `sfdisk` makes of `script`.
    func partitioned(_ name: String, megabytes: Int, script: String) throws -> URL {
        let image = directory.appendingPathComponent(name)
        FileManager.default.createFile(atPath: image.path, contents: nil)
        let handle = try FileHandle(forWritingTo: image)
        try handle.truncate(atOffset: UInt64(megabytes << 20))
        try handle.close()
        try Self.run(Self.tool("sfdisk"), ["-q", image.path], input: script)
        return image
    }

    /// The path of a system tool, which may live in an sbin directory outside PATH.
    static func tool(_ name: String) -> String {
        for directory in ["/usr/sbin", "/sbin", "/usr/bin", "/bin"] where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
            return "\(directory)/\(name)"
        }
        return name
    }

    static func run(_ tool: String, _ arguments: [String], input: String? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        if input != nil { process.standardInput = pipe }
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        if let input {
            pipe.fileHandleForWriting.write(Data(input.utf8))
            try pipe.fileHandleForWriting.close()
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw FixtureError(message: "\(tool) \(arguments.joined(separator: " ")) exited \(process.terminationStatus)")
        }
    }
}

struct FixtureError: Error {
    var message: String
}

/// Files planted in a fixture: one of each kind of finding.
enum Planted {
    static let pem = Array(
        """
        -----BEGIN OPENSSH PRIVATE KEY-----
        b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
        QyNTUxOQAAACBmaXh0dXJlLWtleS1ub3QtcmVhbC1maXh0dXJlLWtleS1ub3QAAAAAAA==
        -----END OPENSSH PRIVATE KEY-----

        """.utf8
    )
    static let rsaPEM = Array(
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAfixturefixturefixturefixturefixture0123\n-----END RSA PRIVATE KEY-----\n".utf8
    )
    static let credentials = Array(
        "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n".utf8
    )

    /// A dirty tree: every kind of finding, at the paths the tests expect.
    static var dirty: [String: [UInt8]] {
        [
            "/root/.ssh/id_ed25519": pem,
            "/home/builder/.aws/credentials": credentials,
            "/home/builder/.ssh/authorized_keys": Array("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFIXTURE builder@build\n".utf8),
            "/etc/ssh/ssh_host_ed25519_key": pem,
            "/etc/ssh/ssh_host_ed25519_key.pub": Array("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFIXTURE root@build\n".utf8),
            "/root/.bash_history": Array("sudo apt-get install nginx\nexport AWS_PROFILE=build\n".utf8),
            "/etc/machine-id": Array("0123456789abcdef0123456789abcdef\n".utf8),
            "/var/lib/cloud/instances/i-0123456789abcdef0/user-data.txt": Array("#cloud-config\n".utf8),
            "/var/lib/cloud/instances/i-0123456789abcdef0/obj.pkl": [UInt8](repeating: 7, count: 3000),
            "/var/cache/apt/archives/nginx_1.22_amd64.deb": [UInt8](repeating: 1, count: 200_000),
            "/var/cache/apt/pkgcache.bin": [UInt8](repeating: 2, count: 50_000),
            "/var/log/syslog": Array(String(repeating: "kernel: booted\n", count: 1000).utf8),
            "/var/log/apt/history.log": Array("Start-Date: 2026-12-07\n".utf8),
            "/opt/app/deploy.pem": rsaPEM,
            "/etc/hostname": Array("build\n".utf8),
        ]
    }

    /// The clean tree: what a cleaned image keeps.
    static var clean: [String: [UInt8]] {
        [
            "/etc/hostname": Array("localhost\n".utf8),
            "/etc/machine-id": [],
            "/etc/ssh/sshd_config": Array("PasswordAuthentication no\n".utf8),
            "/home/builder/.profile": Array("export PATH=$PATH:/usr/local/bin\n".utf8),
            "/var/log/.keep": [],
            "/usr/share/doc/readme": Array("docs\n".utf8),
        ]
    }
}
