import ArgumentParser
import Foundation
import KilnCore

extension Kiln {
    /// `kiln cost`: what the account's images, snapshots and volumes cost, and what is unused.
    struct Cost: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what the account's images, snapshots and volumes cost per month, and what deleting the unused ones would save.",
            discussion: """
                At AWS's us-east-1 list prices (standard and archive snapshot tiers, volume types), per \
                region and image: orphaned snapshots (made by CreateImage or CopyImage for an image since \
                deregistered), unattached volumes, images not launched for --days days, deprecated or \
                disabled images that still hold snapshots. Savings are exact: deleting a snapshot moves \
                the blocks its children share with it onto their bills, and the figure accounts for that.
                """
        )

        @Option(help: "Images not launched for this many days are listed as idle.")
        var days = CostService.defaultIdleDays

        @Flag(help: "Print the report as JSON.")
        var json = false

        @OptionGroup var client: ClientOptions

        func run() async throws {
            let kiln = KilnClient(try client.resolve())
            let answer: KilnClient.Answer
            do {
                answer = try await kiln.send("GET", path: "/kiln/cost", query: "days=\(days)", service: "ec2")
                await kiln.shutdown()
            } catch {
                await kiln.shutdown()
                throw error
            }
            try KilnClient.check(answer)
            if json {
                let object = try JSONSerialization.jsonObject(with: Data(answer.body))
                print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self))
                return
            }
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            print(CostText.render(try decoder.decode(CostReport.self, from: Data(answer.body))), terminator: "")
        }
    }
}

/// The readable form of a cost report.
enum CostText {
    static func render(_ report: CostReport) -> String {
        let usd = { (value: Double) in String(format: "$%.4f", value) }
        let size = { (bytes: Int64) in ProgressBar.bytes(Double(bytes)) }
        var text = "account \(report.account): \(usd(report.totalMonthlyUSD)) per month\n"
        for region in report.regions where region.snapshotBillableBytes > 0 || region.volumesMonthlyUSD > 0 {
            text +=
                "  \(region.region): snapshots \(size(region.snapshotBillableBytes)) \(usd(region.snapshotsMonthlyUSD)), volumes \(usd(region.volumesMonthlyUSD))\n"
        }
        text += "\nimages:\n"
        for image in report.images {
            var flags: [String] = []
            if image.deprecated { flags.append("deprecated") }
            if image.disabled { flags.append("disabled") }
            if report.idleImages.contains(image.imageId) { flags.append("idle \(image.idleForDays) days") }
            text += "  \(image.imageId) \(image.name) (\(image.region)): \(size(image.billableBytes)) \(usd(image.monthlyUSD))"
            text += ", deleting saves \(usd(image.deleteSavingMonthlyUSD))\(flags.isEmpty ? "" : " [\(flags.joined(separator: ", "))]")\n"
        }
        text += "\norphaned snapshots:\n"
        for orphan in report.orphanedSnapshots {
            text += "  \(orphan.snapshotId) of deregistered \(orphan.imageId) (\(orphan.region)): \(usd(orphan.monthlyUSD)), "
            text += "deleting saves \(usd(orphan.deleteSavingMonthlyUSD)), archived \(usd(orphan.archiveMonthlyUSD))\n"
        }
        text += "\nunattached volumes:\n"
        for volume in report.unattachedVolumes {
            text += "  \(volume.volumeId) \(volume.sizeGiB) GiB \(volume.volumeType) (\(volume.region)): \(usd(volume.monthlyUSD))\n"
        }
        text += "\ndeleting the orphans and unattached volumes saves \(usd(report.orphanSavingsMonthlyUSD)) per month\n"
        return text
    }
}
