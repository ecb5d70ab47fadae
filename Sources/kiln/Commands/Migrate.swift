import ArgumentParser
import Foundation
import KilnCore
import KilnObjectStore
import KilnPostgres
import KilnServer
import Logging

extension Kiln {
    /// `kiln migrate`: moves a single-node data directory into a cluster's database and,
    /// with `--blocks`, its object store.
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a stopped single-node data directory into a cluster: metadata to PostgreSQL, blocks to an object store.",
            discussion: """
                The server must be stopped, and the target database must hold no resources, images or blocks yet. \
                With --blocks, the data directory's block packs (blocks/) and whole objects (objects/: bundles and \
                stored images) are copied into the bucket first, each whole before the metadata that names it; a copy \
                cut short can run again, and keeps what the bucket already holds. Without --blocks, blocks stay in the \
                data directory, which every node then shares. Start every node with the same --data-dir (for \
                master.key), --metadata URL and --blocks URL, then run `kiln verify` to check that every block a \
                snapshot or volume names is stored.
                """
        )

        @Option(help: "The data directory of a stopped server.") var dataDir = "./kiln-data"
        @Option(help: "The cluster's database: postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE.") var to: String
        @Option(
            help: """
                The cluster's object store, as `kiln serve --blocks` takes it: s3://BUCKET[/PREFIX]?endpoint=URL&region=REGION \
                (keys from KILN_BLOCKS_ACCESS_KEY_ID and KILN_BLOCKS_SECRET_ACCESS_KEY, or AWS_ACCESS_KEY_ID and \
                AWS_SECRET_ACCESS_KEY).
                """
        )
        var blocks: String?

        func validate() throws {
            guard PostgresLocation.isPostgresURL(to) else { throw ValidationError("--to takes a postgres:// URL.") }
            if let blocks { _ = try Serve.blockLocation(blocks) }
        }

        func run() async throws {
            let directory = URL(fileURLWithPath: dataDir)
            let path = directory.appendingPathComponent("kiln.sqlite").path
            guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("\(path) does not exist.") }
            if let blocks { try await copyBlobs(from: directory, to: try Serve.blockLocation(blocks)) }
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

        /// Copies the data directory's `blocks/` and `objects/` folders into the same folders
        /// of the object store, creating its bucket if it is missing.
        func copyBlobs(from directory: URL, to location: S3Location) async throws {
            do {
                try await KilnApplication.ensureObjectStore(at: location)
            } catch let error as ConfigurationError {
                throw ValidationError(error.description)
            }
            let source = try KilnApplication.localBlobStores(in: directory)
            let target = KilnApplication.objectStoreBlobStores(at: location, cache: nil)
            for (folder, from, to) in [("blocks", source.blocks, target.blocks), ("objects", source.objects, target.objects)] {
                let summary = try await from.copyAll(to: to)
                print("\(folder)/: \(summary.copied) objects copied (\(summary.bytes) bytes), \(summary.kept) already there")
            }
        }
    }
}
