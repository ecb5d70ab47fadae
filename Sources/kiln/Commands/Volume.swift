import ArgumentParser
import Foundation

extension Kiln {
    /// `kiln volume`: a volume's bytes, through Kiln's own extension routes.
    struct Volume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read or write a volume's bytes (a Kiln extension: /kiln/volumes/ID/data).",
            subcommands: [Read.self, Write.self]
        )
    }
}

extension Kiln.Volume {
    /// The most bytes sent in one write request.
    static let writeChunk = 1 << 20

    /// `kiln volume read VOL --offset N --length N`.
    struct Read: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Read bytes of a volume to a file or standard output.")

        @Argument(help: "The volume id (vol-…).") var volume: String
        @Option(help: "Where to start, in bytes.") var offset = 0
        @Option(help: "How many bytes.") var length: Int
        @Option(name: .shortAndLong, help: "The file to write (default: standard output).") var output: String?
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let kiln = KilnClient(try client.resolve())
            defer { Task { await kiln.shutdown() } }
            var data: [UInt8] = []
            var position = offset
            while position < offset + length {
                let take = min(64 << 20, offset + length - position)
                let answer = try await kiln.send(
                    "GET",
                    path: "/kiln/volumes/\(volume)/data",
                    query: "length=\(take)&offset=\(position)",
                    service: "ec2"
                )
                try KilnClient.check(answer)
                data.append(contentsOf: answer.body)
                position += take
            }
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: Data(data)) else { throw ClientError("cannot write \(output)") }
            } else {
                FileHandle.standardOutput.write(Data(data))
            }
            await kiln.shutdown()
        }
    }

    /// `kiln volume write VOL --offset N FILE`.
    struct Write: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a file (or standard input) into a volume at an offset.")

        @Argument(help: "The volume id (vol-…).") var volume: String
        @Argument(help: "The file to write; - for standard input.") var file: String
        @Option(help: "Where to start, in bytes.") var offset = 0
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
            let kiln = KilnClient(try client.resolve())
            let bytes = [UInt8](data)
            var position = 0
            while position < bytes.count {
                let chunk = Array(bytes[position..<min(bytes.count, position + Kiln.Volume.writeChunk)])
                let answer = try await kiln.send(
                    "PUT",
                    path: "/kiln/volumes/\(volume)/data",
                    query: "offset=\(offset + position)",
                    headers: ["Content-Type": "application/octet-stream"],
                    body: chunk,
                    service: "ec2"
                )
                do { try KilnClient.check(answer) } catch {
                    await kiln.shutdown()
                    throw error
                }
                position += chunk.count
            }
            await kiln.shutdown()
            FileHandle.standardError.write(Data("wrote \(bytes.count) bytes to \(volume) at offset \(offset)\n".utf8))
        }
    }
}
