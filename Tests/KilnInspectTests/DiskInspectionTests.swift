import Foundation
import Testing

@testable import KilnInspect

@Suite("Disk inspection", .timeLimit(.minutes(2)))
struct DiskInspectionTests {
    @Test("Every planted secret of an ext4 image without a partition table is found, with its path")
    func plantedFindings() async throws {
        let fixture = try ImageFixture()
        defer { fixture.remove() }
        let image = try fixture.makeFileSystem(fixture.directory.appendingPathComponent("disk.img"), tree: fixture.tree(Planted.dirty), megabytes: 64)
        let inspection = try await DiskInspection.inspect(try FileBytes(image.path))
        #expect(inspection.partitionTable.scheme == .none)
        let fileSystem = try #require(inspection.fileSystems.first)
        #expect(fileSystem.type == "ext4")
        #expect(fileSystem.label == "kilnfixture")
        #expect(fileSystem.problems.isEmpty)
        let found = Set(fileSystem.findings.map { "\($0.kind.rawValue) \($0.path ?? "")" })
        let expected: Set<String> = [
            "private-key /root/.ssh/id_ed25519",
            "private-key /opt/app/deploy.pem",
            "aws-access-key /home/builder/.aws/credentials",
            "cloud-credentials /home/builder/.aws/credentials",
            "authorized-keys /home/builder/.ssh/authorized_keys",
            "ssh-host-key /etc/ssh/ssh_host_ed25519_key",
            "shell-history /root/.bash_history",
            "machine-id /etc/machine-id",
            "cloud-init-instance /var/lib/cloud/instances/i-0123456789abcdef0",
            "package-cache /var/cache/apt",
            "log /var/log/syslog",
            "log /var/log/apt",
        ]
        #expect(found == expected)
        let key = try #require(fileSystem.findings.first { $0.kind == .awsAccessKey })
        #expect(key.detail.contains("AKIA…MPLE") && key.detail.contains("secret access key"), "masked, with the secret beside it")
        #expect(!key.detail.contains("AKIAIOSFODNN7EXAMPLE"), "the id is never printed whole")
        #expect(fileSystem.findings.first?.severity == .high, "the most severe first")
        let cache = try #require(fileSystem.findings.first { $0.kind == .packageCache })
        #expect(cache.files == 2)
        #expect((cache.bytes ?? 0) >= 250_000)
        #expect(fileSystem.reclaimableBytes >= 250_000 + 15_000)
        #expect(fileSystem.largestDirectories.first?.path == "/var", "the cache makes /var the largest")
    }

    @Test("A cleaned image shows no findings")
    func cleanImage() async throws {
        let fixture = try ImageFixture()
        defer { fixture.remove() }
        let image = try fixture.makeFileSystem(
            fixture.directory.appendingPathComponent("clean.img"),
            tree: fixture.tree(Planted.clean),
            megabytes: 32
        )
        let inspection = try await DiskInspection.inspect(try FileBytes(image.path))
        let fileSystem = try #require(inspection.fileSystems.first)
        #expect(fileSystem.findings.isEmpty)
        #expect(fileSystem.reclaimableBytes == 0)
        #expect(fileSystem.files == 6)
    }

    @Test("A GPT disk's partitions are listed and the ext4 inside is read")
    func gptDisk() async throws {
        let fixture = try ImageFixture()
        defer { fixture.remove() }
        let image = try fixture.partitioned(
            "gpt.img",
            megabytes: 80,
            script:
                "label: gpt\nstart=2048, size=2048, type=21686148-6449-6E6F-744E-656564454649, name=bios\nstart=4096, type=0FC63DAF-8483-4772-8E79-3D69E4C47DE4, name=root\n"
        )
        try fixture.makeFileSystem(image, tree: fixture.tree(Planted.dirty), megabytes: 60, offset: 4096 * 512)
        let inspection = try await DiskInspection.inspect(try FileBytes(image.path))
        #expect(inspection.partitionTable.scheme == .gpt)
        #expect(inspection.partitionTable.partitions.map(\.number) == [1, 2])
        #expect(inspection.partitionTable.partitions.last?.name == "root")
        #expect(inspection.partitionTable.partitions.last?.type == "0FC63DAF-8483-4772-8E79-3D69E4C47DE4")
        #expect(inspection.unreadable.map(\.number) == [1], "the BIOS boot partition holds no file system")
        let fileSystem = try #require(inspection.fileSystems.first)
        #expect(fileSystem.partition == 2)
        #expect(fileSystem.offset == 4096 * 512)
        #expect(fileSystem.findings.contains { $0.kind == .sshHostKey && $0.path == "/etc/ssh/ssh_host_ed25519_key" })
    }

    @Test("An MBR disk with a logical partition in an extended one")
    func mbrDisk() async throws {
        let fixture = try ImageFixture()
        defer { fixture.remove() }
        let image = try fixture.partitioned(
            "mbr.img",
            megabytes: 48,
            script: "label: dos\nstart=2048, size=20480, type=83\nstart=24576, type=5\nstart=26624, type=83\n"
        )
        try fixture.makeFileSystem(image, tree: fixture.tree(Planted.clean), megabytes: 10, offset: 2048 * 512)
        let logicalSize = (48 << 20) - 26624 * 512
        try fixture.makeFileSystem(
            image,
            tree: fixture.tree(["/root/.bash_history": Array("ls\n".utf8)], name: "logical"),
            megabytes: logicalSize >> 20,
            offset: 26624 * 512
        )
        let inspection = try await DiskInspection.inspect(try FileBytes(image.path))
        #expect(inspection.partitionTable.scheme == .mbr)
        #expect(inspection.partitionTable.partitions.map(\.number) == [1, 5])
        #expect(inspection.partitionTable.partitions.first?.type == "0x83")
        #expect(inspection.fileSystems.map(\.partition) == [1, 5])
        #expect(inspection.fileSystems.last?.findings.map(\.path) == ["/root/.bash_history"])
    }
}
