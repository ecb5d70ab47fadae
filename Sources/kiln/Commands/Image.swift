import ArgumentParser
import Crypto
import Foundation
import KilnCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

extension Kiln {
    /// `kiln image`: move disk images in and out of Kiln.
    struct Image: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a disk image as a snapshot, or export a snapshot as a disk image.",
            subcommands: [Import.self, Export.self, Inspect.self]
        )
    }
}

/// Reading a disk image block by block.
enum BlockFile {
    /// The EBS direct API's block size.
    static let blockSize = 524_288

    /// Reads block `index` of a file of `size` bytes into `buffer`, zero-padding the last block.
    static func readBlock(_ descriptor: Int32, index: Int, size: Int, into buffer: inout [UInt8]) throws {
        let offset = index * blockSize
        let length = max(0, min(blockSize, size - offset))
        var done = 0
        while done < length {
            let result = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress.map { $0 + done }, length - done, off_t(offset + done)) }
            guard result > 0 else { throw ClientError("cannot read the image at \(offset + done)") }
            done += result
        }
        if length < blockSize {
            for position in length..<blockSize { buffer[position] = 0 }
        }
    }

    #if os(Linux)
        /// `SEEK_DATA` and `SEEK_HOLE`: glibc declares them only under `_GNU_SOURCE`, which Swift's
        /// Glibc module does not set. Their values are Linux's.
        static let seekData: Int32 = 3
        static let seekHole: Int32 = 4
    #else
        static let seekData = SEEK_DATA
        static let seekHole = SEEK_HOLE
    #endif

    /// The indexes of the blocks of a file of `size` bytes that hold data, in order, found with
    /// `SEEK_DATA` and `SEEK_HOLE`, so the holes of a sparse image are never read. Every block
    /// when the file system cannot tell.
    static func blocksHoldingData(_ descriptor: Int32, size: Int) -> [Int] {
        let blockCount = (size + blockSize - 1) / blockSize
        var indexes: [Int] = []
        var offset = 0
        while offset < size {
            let start = Int(lseek(descriptor, off_t(offset), seekData))
            if start < 0 {
                // ENXIO: no data past `offset`. Anything else: the file system does not say.
                return errno == ENXIO ? indexes : Array(0..<blockCount)
            }
            var end = Int(lseek(descriptor, off_t(start), seekHole))
            if end < 0 { return Array(0..<blockCount) }
            end = min(end, size)
            let first = max(start / blockSize, (indexes.last ?? -1) + 1)
            let last = (end - 1) / blockSize
            if first <= last { indexes += first...last }
            offset = end
        }
        return indexes
    }
}

extension BlockFile {
    /// The granularity of holes left in exported files.
    static let pageSize = 4096

    /// Writes `block` at `offset`, skipping 4 KiB pages of zeros so the file stays sparse,
    /// and nothing at or past `limit`.
    static func writeSparse(_ block: [UInt8], to descriptor: Int32, at offset: Int, limit: Int) throws {
        let length = min(block.count, limit - offset)
        var page = 0
        while page < length {
            var end = page
            while end < length, !block[end..<min(end + pageSize, length)].withUnsafeBytes(Block.isZero) { end += pageSize }
            end = min(end, length)
            if end > page {
                let written = block.withUnsafeBytes { pwrite(descriptor, $0.baseAddress.map { $0 + page }, end - page, off_t(offset + page)) }
                guard written == end - page else { throw ClientError("cannot write at \(offset + page)") }
            }
            page = end + pageSize
        }
    }
}

extension Kiln.Image {
    /// The EBS direct API's block size.
    static let blockSize = BlockFile.blockSize

    /// `kiln image import FILE --name NAME`.
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Upload a raw disk image (qcow2 and VMDK when qemu-img is installed) as an EBS snapshot.",
            discussion: """
                Blocks of zeros are skipped; the others are uploaded in parallel through the EBS direct \
                APIs (StartSnapshot, PutSnapshotBlock, CompleteSnapshot), each with its SHA-256, and the \
                snapshot is completed with the aggregated checksum. Prints the snapshot id, and with \
                --register the image id on a second line.

                With --parent, every block of the file is compared with the parent snapshot's block at \
                the same place, and only the blocks that differ are uploaded. The comparison uses the \
                XXH3-128 digest Kiln keeps of each block, which is several times faster than SHA-256 \
                (blocks the parent mapped before Kiln kept it are compared by SHA-256). XXH3 is not \
                cryptographic: a block built on purpose to collide with the parent's would be taken \
                as unchanged, and the new snapshot would keep the parent's block there.
                """
        )

        @Argument(help: "The disk image file.")
        var file: String

        @Option(help: "A name for the image; the snapshot is tagged Name=NAME.")
        var name: String

        @Flag(help: "Encrypt the snapshot (with the account's default EBS key unless --kms-key-id says).")
        var encrypted = false

        @Option(help: "The KMS key ARN to encrypt with.")
        var kmsKeyID: String?

        @Option(help: "How many blocks to upload at once.")
        var concurrency = 8

        @Option(help: "A snapshot of an earlier version of this image: only the blocks that differ from it are uploaded.")
        var parent: String?

        @Flag(help: "Also register an EBS-backed image (AMI) named NAME from the snapshot, and print its id on a second line.")
        var register = false

        @Option(help: "With --register: the image's architecture (x86_64, arm64, i386).")
        var architecture = "x86_64"

        @Option(help: "With --register: the root device name.")
        var rootDeviceName = "/dev/xvda"

        @Option(help: "With --register: the boot mode (legacy-bios, uefi, uefi-preferred).")
        var bootMode: String?

        @OptionGroup var client: ClientOptions

        func run() async throws {
            let settings = try client.resolve()
            let (path, cleanup) = try Self.rawImage(file)
            defer { cleanup() }
            let descriptor = open(path, O_RDONLY)
            guard descriptor >= 0 else { throw ClientError("cannot open \(path)") }
            defer { close(descriptor) }
            var status = stat()
            fstat(descriptor, &status)
            let size = Int(status.st_size)
            let gib = 1 << 30
            let volumeSize = max(1, (size + gib - 1) / gib)
            let kiln = KilnClient(settings)
            do {
                let id = try await upload(descriptor: descriptor, size: size, volumeSize: volumeSize, kiln: kiln)
                print(id)
                if register {
                    print(try await registerImage(snapshotID: id, kiln: kiln))
                }
                await kiln.shutdown()
            } catch {
                await kiln.shutdown()
                throw error
            }
        }

        /// Uploads the file's blocks into a new snapshot through the EBS direct APIs, skipping
        /// holes, zero blocks and blocks the parent already has; returns the snapshot's id.
        private func upload(descriptor: Int32, size: Int, volumeSize: Int, kiln: KilnClient) async throws -> String {
            let (snapshotID, known) = try await startUpload(size: size, volumeSize: volumeSize, kiln: kiln)
            let blockSize = BlockFile.blockSize
            // Past the end of the file, blocks the parent has must be cleared.
            let blockCount = max((size + blockSize - 1) / blockSize, (known.keys.max() ?? -1) + 1)
            // Holes are zeros: only blocks that hold data, or that the parent has, are looked at.
            let candidates = Set(BlockFile.blocksHoldingData(descriptor, size: size)).union(known.keys).sorted()
            let progress = ProgressBar(label: "import", total: size)
            progress.advance(by: size - candidates.reduce(0) { $0 + max(0, min(blockSize, size - $1 * blockSize)) })
            let upload = BlockUpload(
                snapshotID: snapshotID,
                descriptor: descriptor,
                size: size,
                blockCount: blockCount,
                known: known,
                progress: progress,
                kiln: kiln
            )
            let uploaded = try await upload.putChangedBlocks(candidates, concurrency: max(1, concurrency))
            try await completeUpload(snapshotID, uploaded: uploaded, kiln: kiln)
            let (bytes, seconds) = progress.finish()
            FileHandle.standardError.write(
                Data(
                    String(
                        format: "imported %@ in %.2f s (%@/s): %d blocks uploaded, %d zero or unchanged blocks skipped, snapshot %@\n",
                        ProgressBar.bytes(Double(bytes)),
                        seconds,
                        ProgressBar.bytes(Double(bytes) / max(seconds, 0.001)),
                        uploaded.count,
                        blockCount - uploaded.count,
                        snapshotID
                    ).utf8
                )
            )
            return snapshotID
        }

        /// StartSnapshot, incremental to `--parent` when given; returns the snapshot's id and the
        /// parent's digests by block index, so that unchanged blocks are not sent again.
        private func startUpload(size: Int, volumeSize: Int, kiln: KilnClient) async throws -> (String, [Int: ParentBlock]) {
            var start: [String: Any] = [
                "VolumeSize": volumeSize, "Description": "Imported from \((file as NSString).lastPathComponent)",
                "Tags": [["Key": "Name", "Value": name], ["Key": "kiln:source-bytes", "Value": String(size)]],
                "ClientToken": UUID().uuidString, "Timeout": 4320,
            ]
            // The parent's digests: blocks whose content is unchanged are not sent again.
            var parentDigests: [Int: ParentBlock] = [:]
            if let parent {
                let answer = try await kiln.send("GET", path: "/kiln/snapshots/\(parent)/digests", service: "ec2")
                try KilnClient.check(answer)
                let object = try answer.json()
                for entry in object["blocks"] as? [[String: Any]] ?? [] {
                    if let index = entry["index"] as? Int, let digest = entry["sha256"] as? String {
                        parentDigests[index] = ParentBlock(
                            sha256: digest,
                            xxh3: (entry["xxh3"] as? String).flatMap { Data(base64Encoded: $0) }.map { [UInt8]($0) }
                        )
                    }
                }
                start["ParentSnapshotId"] = parent
                start["VolumeSize"] = max(volumeSize, object["volumeSize"] as? Int ?? volumeSize)
            } else {
                if encrypted || kmsKeyID != nil { start["Encrypted"] = true }
                if let kmsKeyID { start["KmsKeyArn"] = kmsKeyID }
            }
            let started = try await kiln.restJSON("POST", path: "/snapshots", json: start, service: "ebs")
            guard let snapshotID = started["SnapshotId"] as? String else { throw ClientError("StartSnapshot gave no SnapshotId") }
            return (snapshotID, parentDigests)
        }

        /// CompleteSnapshot with the count and the linear aggregate of the uploaded blocks' SHA-256.
        private func completeUpload(_ snapshotID: String, uploaded: [Int: [UInt8]], kiln: KilnClient) async throws {
            let aggregate = Data(SHA256.hash(data: uploaded.keys.sorted().flatMap { uploaded[$0] ?? [] })).base64EncodedString()
            let answer = try await kiln.send(
                "POST",
                path: "/snapshots/completion/\(snapshotID)",
                headers: [
                    "x-amz-ChangedBlocksCount": String(uploaded.count), "x-amz-Checksum": aggregate, "x-amz-Checksum-Algorithm": "SHA256",
                    "x-amz-Checksum-Aggregation-Method": "LINEAR",
                ],
                service: "ebs"
            )
            try KilnClient.check(answer)
        }

        /// RegisterImage through the EC2 API: an EBS-backed image whose root device is the snapshot.
        private func registerImage(snapshotID: String, kiln: KilnClient) async throws -> String {
            var form: [(String, String)] = [
                ("Action", "RegisterImage"), ("Version", "2016-11-15"), ("Name", name), ("RootDeviceName", rootDeviceName),
                ("BlockDeviceMapping.1.DeviceName", rootDeviceName), ("BlockDeviceMapping.1.Ebs.SnapshotId", snapshotID),
                ("BlockDeviceMapping.1.Ebs.VolumeType", "gp3"), ("Architecture", architecture), ("VirtualizationType", "hvm"),
                ("EnaSupport", "true"), ("Description", "Imported from \((file as NSString).lastPathComponent)"),
            ]
            if let bootMode { form.append(("BootMode", bootMode)) }
            let answer = try await kiln.ec2(form)
            guard let imageID = KilnClient.firstElement("imageId", in: answer) else {
                throw ClientError("RegisterImage gave no imageId: \(String(decoding: answer.prefix(300), as: UTF8.self))")
            }
            return imageID
        }

        /// The image as a raw file: the file itself, or a raw conversion by qemu-img for qcow2 and VMDK.
        static func rawImage(_ file: String) throws -> (String, () -> Void) {
            guard let handle = FileHandle(forReadingAtPath: file) else { throw ClientError("cannot open \(file)") }
            let magic = [UInt8](handle.readData(ofLength: 4))
            try? handle.close()
            let isQcow2 = magic == [0x51, 0x46, 0x49, 0xFB]
            let isVMDK = magic == Array("KDMV".utf8) || file.lowercased().hasSuffix(".vmdk")
            guard isQcow2 || isVMDK else { return (file, {}) }
            let format = isQcow2 ? "qcow2" : "vmdk"
            let output = NSTemporaryDirectory() + "kiln-import-\(UUID().uuidString).raw"
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["qemu-img", "convert", "-f", format, "-O", "raw", file, output]
            do { try process.run() } catch { throw ClientError("\(file) is \(format): install qemu-img (Debian: qemu-utils) to import it") }
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw ClientError("qemu-img could not convert \(file) (\(format)) to raw") }
            return (output, { try? FileManager.default.removeItem(atPath: output) })
        }
    }

    /// `kiln image export SNAPSHOT -o FILE`.
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a snapshot's volume back to a raw disk image, bit-exact and sparse where zero.",
            discussion: "Lists the snapshot's blocks (ListSnapshotBlocks) and reads them in parallel (GetSnapshotBlock)."
        )

        @Argument(help: "The snapshot id (snap-…), or an image id (ami-…) for its root device.")
        var snapshot: String

        @Option(name: .shortAndLong, help: "The file to write.")
        var output: String

        @Option(help: "The image size in bytes (default: the volume's size; an imported image keeps its own size with --size).")
        var size: Int?

        @Flag(help: "Check each block's SHA-256 against the checksum the server sends.")
        var verify = false

        @Option(help: "How many blocks to read at once.")
        var concurrency = 8

        @OptionGroup var client: ClientOptions

        func run() async throws {
            let kiln = KilnClient(try client.resolve())
            do {
                try await export(kiln)
                await kiln.shutdown()
            } catch {
                await kiln.shutdown()
                throw error
            }
        }

        private func export(_ kiln: KilnClient) async throws {
            let snapshot = try await Self.exportedSnapshot(self.snapshot, kiln)
            let (blocks, volumeSize) = try await Self.blockList(of: snapshot, kiln)
            let total = size ?? volumeSize << 30
            let output = self.output
            let descriptor = open(output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard descriptor >= 0 else { throw ClientError("cannot create \(output)") }
            defer { close(descriptor) }
            guard ftruncate(descriptor, off_t(total)) == 0 else { throw ClientError("cannot size \(output) to \(total) bytes") }
            let progress = ProgressBar(label: "export", total: blocks.count * BlockFile.blockSize)
            try await download(blocks, of: snapshot, to: descriptor, limit: total, progress: progress, kiln)
            let (bytes, seconds) = progress.finish()
            FileHandle.standardError.write(
                Data(
                    String(
                        format: "exported %d blocks (%@) in %.2f s (%@/s) to %@\n",
                        blocks.count,
                        ProgressBar.bytes(Double(bytes)),
                        seconds,
                        ProgressBar.bytes(Double(bytes) / max(seconds, 0.001)),
                        output
                    ).utf8
                )
            )
        }

        /// The snapshot an export reads: the one named, or an image's root device's snapshot.
        private static func exportedSnapshot(_ name: String, _ kiln: KilnClient) async throws -> String {
            guard name.hasPrefix("ami-") else { return name }
            let answer = try await kiln.ec2([("Action", "DescribeImages"), ("Version", "2016-11-15"), ("ImageId.1", name)])
            guard let root = KilnClient.firstElement("rootDeviceName", in: answer),
                let mapping = KilnClient.elements("item", in: answer).first(where: {
                    KilnClient.firstElement("deviceName", in: Array($0.utf8)) == root
                }),
                let rootSnapshot = KilnClient.firstElement("snapshotId", in: Array(mapping.utf8))
            else { throw ClientError("image \(name) has no EBS root snapshot to export") }
            return rootSnapshot
        }

        /// Every block of a snapshot with its token (ListSnapshotBlocks, page by page), and
        /// the snapshot's volume size in GiB.
        private static func blockList(of snapshot: String, _ kiln: KilnClient) async throws -> (blocks: [(Int, String)], volumeSize: Int) {
            var blocks: [(Int, String)] = []
            var volumeSize = 0
            var token: String?
            repeat {
                var query = "maxResults=10000"
                if let token { query += "&pageToken=\(token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? token)" }
                let page = try await kiln.restJSON("GET", path: "/snapshots/\(snapshot)/blocks", query: query, service: "ebs")
                volumeSize = page["VolumeSize"] as? Int ?? volumeSize
                for block in page["Blocks"] as? [[String: Any]] ?? [] {
                    if let index = block["BlockIndex"] as? Int, let blockToken = block["BlockToken"] as? String { blocks.append((index, blockToken)) }
                }
                token = page["NextToken"] as? String
            } while token != nil
            return (blocks, volumeSize)
        }

        /// Downloads `blocks` (GetSnapshotBlock, `concurrency` at a time) into the file open
        /// as `descriptor`, sparse where a block is zero, checking each block's checksum when asked.
        private func download(
            _ blocks: [(Int, String)],
            of snapshotID: String,
            to descriptor: Int32,
            limit total: Int,
            progress: ProgressBar,
            _ kiln: KilnClient
        ) async throws {
            let next = IndexDispenser()
            let check = verify
            let concurrency = self.concurrency
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<max(1, concurrency) {
                    group.addTask {
                        while true {
                            let position = next.take()
                            guard position < blocks.count else { return }
                            let (index, blockToken) = blocks[position]
                            let answer = try await kiln.send(
                                "GET",
                                path: "/snapshots/\(snapshotID)/blocks/\(index)",
                                query: "blockToken=\(blockToken.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? blockToken)",
                                service: "ebs"
                            )
                            try KilnClient.check(answer)
                            if check, Data(SHA256.hash(data: answer.body)).base64EncodedString() != answer.headers["x-amz-checksum"] {
                                throw ClientError("block \(index) does not match its checksum")
                            }
                            try BlockFile.writeSparse(answer.body, to: descriptor, at: index * BlockFile.blockSize, limit: total)
                            progress.advance(by: BlockFile.blockSize)
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }
}
