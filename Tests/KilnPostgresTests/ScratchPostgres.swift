import Crypto
import Foundation
import KilnBlocks
import KilnCore
import KilnPostgres
import KilnStore
import Synchronization

@testable import KilnTestSupport

/// A throw-away PostgreSQL server for this test process (scripts/scratch-postgres.sh), started
/// on first use and stopped when the process exits; each test gets a database of its own.
///
/// `KILN_TEST_POSTGRES` names a server to use instead (a `postgres://` URL whose user may
/// create databases).
enum ScratchPostgres {
    /// Why the suite cannot run here, or `nil` when it can.
    static var unavailable: String? {
        if ProcessInfo.processInfo.environment["KILN_TEST_POSTGRES"] != nil { return nil }
        if !FileManager.default.isExecutableFile(atPath: "/usr/lib/postgresql/15/bin/initdb") {
            return "PostgreSQL 15 is not installed (scripts/install-deps.sh test installs postgresql-15)"
        }
        return nil
    }

    private static let server = Mutex<String?>(nil)
    private static let directory = Mutex<String?>(nil)

    /// The server's base URL, starting it first if needed.
    static func baseURL() throws -> String {
        if let given = ProcessInfo.processInfo.environment["KILN_TEST_POSTGRES"] { return given }
        return try server.withLock { url in
            if let url { return url }
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-pg-\(UUID().uuidString)").path
            let started = try run(script(), ["start", folder]).trimmingCharacters(in: .whitespacesAndNewlines)
            directory.withLock { $0 = folder }
            atexit {
                if let folder = ScratchPostgres.directory.withLock({ $0 }) {
                    _ = try? ScratchPostgres.run(ScratchPostgres.script(), ["stop", folder])
                }
            }
            url = started
            return started
        }
    }

    /// A new, empty database on the server, as a URL.
    static func freshDatabase() throws -> String {
        let base = try baseURL()
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        _ = try run("/usr/bin/psql", [base, "-q", "-c", "CREATE DATABASE \(name)"])
        guard let cut = base.lastIndex(of: "/") else { throw ScratchError(message: "no database in \(base)") }
        return String(base[..<cut]) + "/" + name
    }

    static func script() -> String {
        var folder = URL(fileURLWithPath: #filePath)
        while folder.path != "/" {
            folder.deleteLastPathComponent()
            let candidate = folder.appendingPathComponent("scripts/scratch-postgres.sh").path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
        }
        return "scripts/scratch-postgres.sh"
    }

    /// Runs `executable` (a script, or psql) to its end and answers what it printed. Its
    /// output goes through a file, as a server it starts keeps any pipe open; it is spawned
    /// and waited for directly, as Foundation's `Process` here never saw the child exit.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-pg-run-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let quoted = ([executable == "/usr/bin/psql" ? executable : "/bin/bash " + executable] + arguments.map { "'\($0)'" }).joined(separator: " ")
        var pid: pid_t = 0
        let command = ["/bin/bash", "-c", "\(quoted) >'\(output)' 2>&1 </dev/null"]
        var argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        guard posix_spawn(&pid, "/bin/bash", nil, nil, &argv, environ) == 0 else {
            throw ScratchError(message: "could not start \(executable)")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        let exitCode = (status >> 8) & 0xFF
        let printed = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        guard exitCode == 0 else {
            throw ScratchError(message: "\(quoted) exited \(exitCode): \(printed)")
        }
        return printed
    }
}

struct ScratchError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Two nodes of one cluster: two clouds, each on its own connection pool to one database,
/// sharing the block store's objects and master key as nodes sharing a bucket and key file do.
struct TwoNodes {
    let first: Cloud
    let second: Cloud
    let stores: [PostgresMetadataStore]
    let clock: ManualClock

    static func make() async throws -> TwoNodes {
        let url = try ScratchPostgres.freshDatabase()
        let clock = ManualClock()
        let blobs = MemoryBlobStore()
        let master = SymmetricKey(size: .bits256)
        var clouds: [Cloud] = []
        var stores: [PostgresMetadataStore] = []
        for _ in 0..<2 {
            let store = try await PostgresMetadataStore.connect(url, connections: 4)
            stores.append(store)
            let blocks = PackedBlockStore(index: store, blobs: blobs, keyring: Keyring(master: master, index: store), clock: clock)
            clouds.append(
                Cloud(
                    identity: IdentityDirectory(),
                    regions: RegionCatalog(),
                    store: store,
                    clock: clock,
                    blocks: blocks,
                    objects: blobs,
                    tokenKey: master,
                    sharedUploads: true
                )
            )
        }
        return TwoNodes(first: clouds[0], second: clouds[1], stores: stores, clock: clock)
    }

    func close() {
        for store in stores { store.close() }
    }
}
