/// What a volume holds: its partition table, and each file system that could be read.
package struct DiskInspection: Sendable, Codable, Equatable {
    package var partitionTable: PartitionTable
    package var fileSystems: [FileSystemReport]
    /// Partitions (or the whole volume) where no file system was recognised: their bytes are
    /// searched for secrets, which are reported by offset.
    package var unreadable: [Partition]

    /// How many of the largest directories a report lists.
    static let largestDirectoryCount = 10

    /// Reads `disk`: its partition table, then an ext file system on each partition (or on the
    /// whole disk when there is no table).
    package static func inspect(_ disk: any ByteSource) async throws -> DiskInspection {
        let table = try await PartitionTable.read(disk)
        let candidates =
            table.partitions.isEmpty
            ? [Partition(number: 0, offset: 0, size: disk.size, type: "none")]
            : table.partitions
        var reports: [FileSystemReport] = []
        var unreadable: [Partition] = []
        for partition in candidates {
            let window = ByteWindow(disk, start: partition.offset, size: partition.size)
            if let fileSystem = try await Ext4FileSystem.open(window) {
                reports.append(try await report(fileSystem, partition: partition))
            } else {
                unreadable.append(partition)
            }
        }
        return DiskInspection(partitionTable: table, fileSystems: reports, unreadable: unreadable)
    }

    /// Walks a file system and applies the rules to every file.
    static func report(_ fileSystem: Ext4FileSystem, partition: Partition) async throws -> FileSystemReport {
        let walk = try await FileSystemWalk.walk(fileSystem)
        let superblock = fileSystem.superblock
        var findings = FindingCollector()
        var problems = walk.problems
        for file in walk.files where file.inode.kind == .file {
            findings.add(file)
            guard PathRules.scansContent(file.path, size: file.size) else { continue }
            do {
                let bytes = try await fileSystem.contents(of: file.inode, limit: ContentRules.maximumScannedSize)
                findings.addSecrets(ContentRules.secrets(in: bytes), in: file)
            } catch {
                problems.append("\(file.path): \(error)")
            }
        }
        let all = findings.findings
        return FileSystemReport(
            partition: partition.number,
            offset: partition.offset,
            type: superblock.typeName,
            label: superblock.volumeName,
            blockSize: superblock.blockSize,
            sizeBytes: superblock.blockCount * superblock.blockSize,
            usedBytes: (superblock.blockCount - superblock.freeBlockCount) * superblock.blockSize,
            files: walk.files.count { $0.inode.kind != .directory },
            directories: walk.files.count { $0.inode.kind == .directory } + 1,
            largestDirectories: largestDirectories(walk.files),
            findings: all,
            reclaimableBytes: all.filter { $0.kind == .packageCache || $0.kind == .log }.reduce(0) { $0 + ($1.bytes ?? 0) },
            problems: problems
        )
    }

    /// The directories under which files take the most bytes, root excluded.
    static func largestDirectories(_ files: [FileRecord]) -> [DirectorySize] {
        var totals: [String: (bytes: Int, files: Int)] = [:]
        for file in files where file.inode.kind != .directory {
            var path = file.path
            while let slash = path.lastIndex(of: "/"), slash != path.startIndex {
                path = String(path[..<slash])
                totals[path, default: (0, 0)].bytes += file.allocatedBytes
                totals[path, default: (0, 0)].files += 1
            }
        }
        return totals.map { DirectorySize(path: $0.key, bytes: $0.value.bytes, files: $0.value.files) }
            .sorted { ($0.bytes, $1.path) > ($1.bytes, $0.path) }
            .prefix(largestDirectoryCount)
            .map { $0 }
    }
}

extension Ext4Superblock {
    /// `ext4` with extents, `ext3` with a journal, else `ext2`.
    var typeName: String {
        if incompatibleFeatures & Self.featureExtents != 0 { return "ext4" }
        return hasJournal ? "ext3" : "ext2"
    }
}
