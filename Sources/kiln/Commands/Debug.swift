import ArgumentParser
import Foundation
import KilnCore
import KilnStore

extension Kiln {
    /// `kiln debug`: tools for benchmarks and investigations, not for everyday use.
    struct Debug: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Tools for benchmarks and investigations.",
            shouldDisplay: false,
            subcommands: [SeedImages.self]
        )
    }
}

extension Kiln.Debug {
    /// `kiln debug seed-images`: fills a stopped server's data directory with many images, fast.
    struct SeedImages: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "seed-images",
            abstract: "Write N registered images straight into a data directory (the server must be stopped).",
            discussion: """
                For benchmarks at scale: registering a million images through the API would take longer than \
                the benchmark. Images are named NAME-PREFIX-000000…, owned by --owner in --region, and share one \
                (unstored) snapshot id; every hundredth is public.
                """
        )

        @Option(help: "The data directory of a stopped server.") var dataDir = "./kiln-data"
        @Option(help: "How many images.") var count = 10_000
        @Option(help: "The owning account.") var owner = "111111111111"
        @Option(help: "The region.") var region = "us-east-1"
        @Option(help: "The start of every name.") var namePrefix = "bench-image"

        func run() async throws {
            guard let account = AccountID(owner) else { throw ValidationError("--owner must be 12 digits") }
            // A new directory is made, as `kiln serve` would make it.
            try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
            let store = try SQLiteMetadataStore(path: URL(fileURLWithPath: dataDir).appendingPathComponent("kiln.sqlite").path)
            let ids = RandomIDGenerator()
            let snapshot = ids.resourceID(.snapshot)
            let started = Date()
            let batch = 10_000
            var written = 0
            while written < count {
                let first = written
                let last = min(count, written + batch)
                let regionName = RegionName(region)
                let prefix = namePrefix
                let images: [Image] = (first..<last).map { index in
                    var image = Image(
                        id: ids.resourceID(.image),
                        owner: account,
                        region: regionName,
                        name: "\(prefix)-\(String(format: "%07d", index))",
                        creationDate: started - Double(count - index)
                    )
                    image.rootDeviceName = "/dev/xvda"
                    image.imageLocation = "\(account)/\(image.name)"
                    image.blockDeviceMappings = [
                        Image.DeviceMapping(
                            deviceName: "/dev/xvda",
                            ebs: Image.EBSDevice(snapshotID: snapshot, volumeSize: 8, volumeType: .gp3, deleteOnTermination: true, encrypted: false)
                        )
                    ]
                    if index % 100 == 0 { image.launchPermissions = [.all] }
                    return image
                }
                try await store.write { transaction in
                    for image in images { try transaction.saveImage(image) }
                }
                written = last
                FileHandle.standardError.write(Data("\rseeded \(written)/\(count)".utf8))
            }
            FileHandle.standardError.write(Data(String(format: "\nseeded %d images in %.1f s\n", count, Date().timeIntervalSince(started)).utf8))
        }
    }
}
