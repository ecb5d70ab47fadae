import ArgumentParser
import Foundation
import KilnCore
import KilnInspect

extension Kiln.Image {
    /// `kiln image inspect AMI|SNAPSHOT`.
    struct Inspect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report what an image's volumes hold: layout, secrets and build leftovers, sizes and shared blocks.",
            discussion: """
                The server reads the volumes straight from its block store (GET /kiln/images/ID/inspection): \
                the MBR or GPT partition table, then each ext2/3/4 file system. Findings name the file's path; \
                in partitions without a readable file system, the byte offset.
                """
        )

        @Argument(help: "The image id (ami-…) or snapshot id (snap-…).")
        var id: String

        @Flag(help: "Print the report as JSON.")
        var json = false

        @Option(help: "Exit with status 1 when a finding is at least this severe (low, medium, high).")
        var failOn: String?

        @OptionGroup var client: ClientOptions

        func run() async throws {
            let kiln = KilnClient(try client.resolve())
            let answer: KilnClient.Answer
            do {
                answer = try await kiln.send("GET", path: "/kiln/images/\(id)/inspection", service: "ec2")
                await kiln.shutdown()
            } catch {
                await kiln.shutdown()
                throw error
            }
            let threshold = try failOn.map { name in
                guard let severity = Finding.Severity(rawValue: name) else { throw ValidationError("--fail-on takes low, medium or high") }
                return severity
            }
            try KilnClient.check(answer)
            let report = try JSONDecoder().decode(ImageInspection.self, from: Data(answer.body))
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                print(InspectionText.render(report), terminator: "")
            }
            if let threshold, let highest = report.highestSeverity, highest >= threshold { throw ExitCode(1) }
        }
    }
}

/// The readable form of an inspection report.
enum InspectionText {
    static func render(_ report: ImageInspection) -> String {
        var text = "\(report.id)\(report.name.map { " (\($0))" } ?? "")\n"
        for volume in report.volumes {
            text += volumeText(volume)
        }
        let counts = ["high", "medium", "low"].map { "\(report.counts[$0] ?? 0) \($0)" }.joined(separator: ", ")
        text += "\nfindings: \(counts); reclaimable: \(ProgressBar.bytes(Double(report.reclaimableBytes)))\n"
        text += String(
            format: "scanned in %.2f s (%@/s)\n",
            report.scanSeconds,
            ProgressBar.bytes(report.scanBytesPerSecond)
        )
        return text
    }

    private static func volumeText(_ volume: VolumeInspection) -> String {
        var text = "\n\(volume.deviceName.map { "\($0): " } ?? "")\(volume.snapshotId)\n"
        let size = { (bytes: Int64) in ProgressBar.bytes(Double(bytes)) }
        text += "  size: \(size(volume.logicalBytes)) logical, \(size(volume.mappedBytes)) in blocks, "
        text += "\(size(volume.nonZeroBytes)) non-zero, \(size(volume.compressedBytes)) stored compressed\n"
        let sharing = volume.sharing
        text += "  blocks: \(sharing.blocks), \(sharing.uniqueBlocks) unique (\(size(sharing.uniqueBytes))), "
        text += "\(sharing.sharedWithParent) shared with parent\(sharing.parentSnapshotId.map { " \($0)" } ?? ""), "
        text += "\(sharing.sharedWithOtherImages) shared with other images\n"
        let table = volume.layout.partitionTable
        text += "  partitions: \(table.scheme.rawValue)"
        for partition in table.partitions {
            text +=
                "\n    \(partition.number): \(partition.type)\(partition.name.map { " \"\($0)\"" } ?? "") at \(partition.offset), \(size(Int64(partition.size)))"
        }
        text += "\n"
        for fileSystem in volume.layout.fileSystems {
            text += "  \(fileSystem.type) on partition \(fileSystem.partition)\(fileSystem.label.isEmpty ? "" : " \"\(fileSystem.label)\""): "
            text += "\(fileSystem.files) files, \(fileSystem.directories) directories, \(size(Int64(fileSystem.usedBytes))) used\n"
            text += "    largest directories: "
            text += fileSystem.largestDirectories.prefix(5).map { "\($0.path) \(size(Int64($0.bytes)))" }.joined(separator: ", ") + "\n"
            for problem in fileSystem.problems.prefix(5) { text += "    unreadable: \(problem)\n" }
        }
        for finding in volume.findings {
            let place = finding.path ?? "offset \(finding.offset ?? 0)"
            var line = "  [\(finding.severity.rawValue)] \(finding.kind.rawValue) \(place): \(finding.detail)"
            if let files = finding.files { line += " (\(files) files" + (finding.bytes.map { ", \(size(Int64($0)))" } ?? "") + ")" }
            text += line + "\n"
        }
        return text
    }
}
