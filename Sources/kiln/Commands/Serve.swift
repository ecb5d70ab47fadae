import ArgumentParser
import Foundation
import Hummingbird
import KilnCore
import KilnObjectStore
import KilnServer
import Logging

extension Kiln {
    /// `kiln serve`: runs the service until interrupted.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the Kiln service.",
            discussion: """
                With no options, Kiln listens on 127.0.0.1:8787 and keeps its state under ./kiln-data:
                metadata in kiln-data/kiln.sqlite, block data in kiln-data/blocks. State survives restarts.

                Every access key works in the default `dev` auth mode. A 12-digit access key id acts as
                that account (AWS_ACCESS_KEY_ID=111111111111); any other key acts as the default account.
                """
        )

        @Option(help: "The address to listen on.")
        var host = "127.0.0.1"

        @Option(help: "The port to listen on; 0 picks a free one.")
        var port = 8787

        @Option(help: "Where Kiln keeps its state.")
        var dataDir = "./kiln-data"

        @Option(
            help: ArgumentHelp(
                "Where block data, bundles and stored images go: files in the data directory (the default), or an S3-compatible store.",
                discussion:
                    "s3://BUCKET[/PREFIX]?endpoint=http://HOST:PORT&region=REGION; keys from KILN_BLOCKS_ACCESS_KEY_ID and KILN_BLOCKS_SECRET_ACCESS_KEY, else AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.",
                valueName: "s3-url"
            )
        )
        var blocks: String?

        @Option(help: "With --blocks s3://…: the memory the read cache of blocks may use, in MiB (0 turns it off).")
        var blocksCacheMb = 256

        @Option(
            help:
                "Where metadata lives: kiln.sqlite in --data-dir unless a postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE URL names a database that several nodes share."
        )
        var metadata: String?

        @Option(help: "With --metadata: seconds after a node last wrote or reused a block during which no other node collects garbage.")
        var blockLease = 60

        @Option(help: "How requests are authenticated: 'dev' accepts any signature, 'strict' verifies SigV4 against the config file's keys.")
        var auth = AuthMode.dev

        @Option(help: "A JSON file that declares accounts, access keys, organizations and regions.")
        var config: String?

        @Option(help: "The account of access keys that name none.")
        var defaultAccount = "000000000000"

        @Option(help: "How long asynchronous transitions take: 'instant', or 'realistic' (seconds, as on AWS).")
        var latency = Latency.instant

        @Option(help: "A PEM certificate chain: with --tls-key, Kiln serves HTTPS.")
        var tlsCert: String?

        @Option(help: "The PEM private key of --tls-cert.")
        var tlsKey: String?

        @Option(help: "The most connections open at once; one more is answered 503 ServiceUnavailable and closed.")
        var maxConnections = 1024

        @Option(help: "Seconds a connection may stay without a request, or with a request head still arriving, before it is closed.")
        var idleTimeout = 60

        @Option(help: "Seconds a request's body may take to arrive after its head before the connection is closed.")
        var requestTimeout = 300

        @Flag(help: "Allow --auth dev on an address other than loopback, where anyone who reaches the port acts as any account.")
        var insecure = false

        @Flag(help: "Let POST /moto-api/reset wipe all state, for test suites written against moto.")
        var enableTestReset = false

        @Option(
            help:
                "'default' starts every region with AWS-provided, Marketplace and community images; 'moto' with moto's preloaded public images and their ids; 'none' starts empty."
        )
        var catalog = ServerConfiguration.Catalog.default

        @Option(help: "The least severe log level printed: trace, debug, info, notice, warning, error, critical.")
        var logLevel = Logger.Level.info

        @Option(help: "Before ModifyImageAttribute shares an image: 'off', 'warn' (log its secrets and host keys) or 'refuse' (refuse the share).")
        var hygieneCheck = HygieneCheck.off

        @Option(help: "Where instances run: 'simulated' (records only) or 'qemu' (one QEMU per running instance, disks served over NBD).")
        var runtime = RuntimeChoice.Kind.simulated

        @Option(help: "With --runtime qemu: the most memory one machine gets, in MiB.")
        var runtimeMaxMemory = 1024

        @Option(help: "With --runtime qemu: the most vCPUs one machine gets.")
        var runtimeMaxVcpus = 2

        @Option(help: "With --runtime qemu: the memory all machines may use together, in MiB (default: half the host's).")
        var runtimeMemoryBudget: Int?

        @Option(help: "With --runtime qemu: seconds StopInstances waits for the guest after the ACPI power button.")
        var runtimeStopTimeout = 30

        func validate() throws {
            guard AccountID(defaultAccount) != nil else {
                throw ValidationError("--default-account must be 12 digits, such as 000000000000.")
            }
            guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
            if let metadata, !metadata.hasPrefix("postgres://"), !metadata.hasPrefix("postgresql://") {
                throw ValidationError("--metadata takes a postgres:// URL; without it metadata stays in --data-dir.")
            }
            guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together.") }
            if auth == .dev, !Self.isLoopback(host), !insecure {
                throw ValidationError(
                    "--auth dev accepts any signature, so on \(host) anyone who reaches the port could act as any account. "
                        + "Use --auth strict with a --config, listen on 127.0.0.1, or pass --insecure to accept the risk."
                )
            }
            if let blocks { _ = try Self.blockLocation(blocks) }
            guard blocksCacheMb >= 0 else { throw ValidationError("--blocks-cache-mb must be at least 0.") }
            guard maxConnections >= 1, idleTimeout >= 1, requestTimeout >= 1 else {
                throw ValidationError("--max-connections, --idle-timeout and --request-timeout must be at least 1.")
            }
            guard runtimeMaxMemory >= 16, runtimeMaxVcpus >= 1, runtimeStopTimeout >= 0 else {
                throw ValidationError(
                    "--runtime-max-memory must be at least 16 (MiB), --runtime-max-vcpus at least 1, --runtime-stop-timeout at least 0."
                )
            }
        }

        /// The object store `--blocks` names, or the reason it cannot be used.
        static func blockLocation(_ text: String) throws -> S3Location {
            do {
                return try S3Location(parsing: text)
            } catch {
                throw ValidationError("\(error)")
            }
        }

        /// Whether `host` is a loopback address, reachable from this machine only.
        static func isLoopback(_ host: String) -> Bool {
            host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
        }

        func run() async throws {
            let level = logLevel
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            var configuration = ServerConfiguration()
            configuration.host = host
            configuration.port = port
            configuration.dataDirectory = dataDir
            configuration.metadata = metadata
            configuration.blockLeaseSeconds = blockLease
            configuration.auth = auth
            configuration.blocks = try blocks.map(Self.blockLocation)
            configuration.blocksCacheMiB = blocksCacheMb
            configuration.configFile = config
            configuration.defaultAccount = AccountID(defaultAccount)
            configuration.latency = latency
            configuration.enableTestReset = enableTestReset
            configuration.catalog = catalog
            configuration.hygieneCheck = hygieneCheck
            configuration.runtime.kind = runtime
            configuration.runtime.maxMemoryMiB = runtimeMaxMemory
            configuration.runtime.maxVCPUs = runtimeMaxVcpus
            configuration.runtime.memoryBudgetMiB = runtimeMemoryBudget
            configuration.runtime.stopTimeoutSeconds = runtimeStopTimeout
            // Guests reach their metadata service through this very binary.
            let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            configuration.runtime.metadataRelay = [executable, "metadata-relay"]
            configuration.tlsCertificateFile = tlsCert
            configuration.tlsKeyFile = tlsKey
            configuration.maxConnections = maxConnections
            configuration.idleTimeoutSeconds = idleTimeout
            configuration.requestTimeoutSeconds = requestTimeout
            let logger = Logger(label: "kiln")
            do {
                try await KilnApplication.build(configuration, logger: logger).runService()
            } catch let error as ConfigurationError {
                throw ValidationError(error.description)
            }
        }
    }
}

extension AuthMode: ExpressibleByArgument {}
extension Latency: ExpressibleByArgument {}
extension HygieneCheck: ExpressibleByArgument {}
extension ServerConfiguration.Catalog: ExpressibleByArgument {}
extension RuntimeChoice.Kind: ExpressibleByArgument {}
extension Logger.Level: @retroactive ExpressibleByArgument {}
