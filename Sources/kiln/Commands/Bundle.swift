import ArgumentParser
import Crypto
import Foundation
import KilnCore

extension Kiln {
    /// `kiln bundle FILE --prefix P`: an instance-store image bundle, uploaded to a Kiln bucket.
    struct Bundle: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bundle a raw disk image for an instance-store-backed AMI and upload it.",
            discussion: """
                Cuts FILE into 1 MiB parts, uploads them and a manifest to BUCKET (Kiln's own object \
                store, /kiln/buckets/), and prints the ImageLocation to give RegisterImage:

                  kiln bundle disk.img --prefix web-2024 --bucket my-bundles
                  aws ec2 register-image --name web-2024 --image-location my-bundles/web-2024.manifest.xml

                Instances launched from the image boot with the bundle's bytes as their root disk, \
                which lives only as long as the instance.
                """
        )

        @Argument(help: "The raw disk image.") var file: String
        @Option(help: "The bundle's name: its files are PREFIX.manifest.xml and PREFIX.part.N.") var prefix: String
        @Option(help: "The bucket to upload to (lower-case letters, digits, '-' and '.').") var bucket = "kiln-bundles"
        @Option(help: "The image's architecture, recorded in the manifest.") var architecture = "x86_64"
        @OptionGroup var client: ClientOptions

        func run() async throws {
            guard let handle = FileHandle(forReadingAtPath: file) else { throw ClientError("cannot read \(file)") }
            let kiln = KilnClient(try client.resolve())
            // A prefix may hold folders (`images/web-2024`): the parts go beside the manifest.
            let baseName = prefix.split(separator: "/").last.map(String.init) ?? prefix
            let folder = String(prefix.dropLast(baseName.count))
            var parts: [BundleManifest.Part] = []
            var whole = SHA256()
            var size = 0
            do {
                while true {
                    let data = handle.readData(ofLength: BundleManifest.partSize)
                    if data.isEmpty { break }
                    // Part names are relative to the manifest's own folder, as in AWS's bundles.
                    let filename = "\(baseName).part.\(parts.count)"
                    let part = BundleManifest.Part(filename: filename, sha256: Hex.encode(SHA256.hash(data: data)))
                    whole.update(data: data)
                    size += data.count
                    try await upload(kiln, key: folder + filename, bytes: [UInt8](data))
                    parts.append(part)
                }
                let manifest = BundleManifest(
                    name: prefix,
                    architecture: architecture,
                    size: size,
                    sha256: Hex.encode(whole.finalize()),
                    parts: parts
                )
                try await upload(kiln, key: "\(prefix).manifest.xml", bytes: Array(manifest.xml.utf8))
            } catch {
                await kiln.shutdown()
                throw error
            }
            await kiln.shutdown()
            FileHandle.standardError.write(Data("bundled \(size) bytes in \(parts.count) parts\n".utf8))
            print("\(bucket)/\(prefix).manifest.xml")
        }

        private func upload(_ kiln: KilnClient, key: String, bytes: [UInt8]) async throws {
            let answer = try await kiln.send(
                "PUT",
                path: "/kiln/buckets/\(bucket)/\(key)",
                query: "",
                headers: ["Content-Type": "application/octet-stream"],
                body: bytes,
                service: "ec2"
            )
            try KilnClient.check(answer)
        }
    }
}
