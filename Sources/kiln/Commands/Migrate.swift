import ArgumentParser
import Foundation
import KilnPostgres
import Logging

extension Kiln {
    /// `kiln migrate`: moves a single-node data directory's metadata into a cluster's database.
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy a stopped single-node data directory's metadata into PostgreSQL, for a cluster.",
            discussion: """
                The server must be stopped. The target database must hold no resources, images or blocks yet. Block \
                data stays where it is: start every node with the same --data-dir (a shared directory) and \
                --metadata URL, then run `kiln verify` to check that every block a snapshot or volume names is stored.
                """
        )

        @Option(help: "The data directory of a stopped server.") var dataDir = "./kiln-data"
        @Option(help: "The cluster's database: postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE.") var to: String
        @Option(help: "Where the cluster keeps blocks; only the data directory's own blocks/ folder is supported yet.") var blocks: String?

        func validate() throws {
            guard PostgresLocation.isPostgresURL(to) else { throw ValidationError("--to takes a postgres:// URL.") }
            if let blocks, blocks != "file://" + dataDir + "/blocks" {
                throw ValidationError("--blocks \(blocks): blocks stay in --data-dir's blocks/ folder for now; leave --blocks out.")
            }
        }

        func run() async throws {
            let path = URL(fileURLWithPath: dataDir).appendingPathComponent("kiln.sqlite").path
            guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("\(path) does not exist.") }
            var logger = Logger(label: "kiln.migrate")
            logger.logLevel = .warning
            let store = try await PostgresMetadataStore.connect(to, logger: logger)
            defer { store.close() }
            do {
                for (table, rows) in try await SQLiteImport.copy(sqlitePath: path, into: store) {
                    print("\(table): \(rows) rows")
                }
            } catch let error as SQLiteImportError {
                throw ValidationError(error.description)
            }
        }
    }
}
