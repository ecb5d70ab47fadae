import Foundation
import KilnCore
import KilnNBD
import Testing

@testable import KilnRuntime
@testable import KilnTestSupport

@Suite("Volume journals", .timeLimit(.minutes(2)))
struct VolumeJournalTests {
    /// A fresh directory for journals, removed by the caller.
    func journalDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("kiln-journal-\(UUID().uuidString.prefix(8))", isDirectory: true)
    }

    @Test("Records read back in order; a torn tail and a damaged record end the journal")
    func recordsAndTornTail() throws {
        let directory = journalDirectory()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("vol-1.journal").path
        let records = [
            VolumeJournal.Record(blockIndex: 3, within: 10, bytes: [1, 2, 3]),
            VolumeJournal.Record(blockIndex: 0, within: Block.size - 2, bytes: [4, 5]),
            VolumeJournal.Record(blockIndex: 3, within: 11, bytes: [6]),
        ]
        let journal = try VolumeJournal(path: path)
        try journal.append(records)
        #expect(try VolumeJournal.records(at: path) == records)
        #expect(journal.size == 3 * VolumeJournal.headerSize + 6)

        // A crash in the middle of an append leaves a torn record: the journal ends before it.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: UInt64(journal.size - 1))
        try handle.close()
        #expect(try VolumeJournal.records(at: path) == Array(records.prefix(2)))

        // A damaged byte in the second record's payload ends the journal after the first.
        var bytes = try #require(FileManager.default.contents(atPath: path))
        bytes[2 * VolumeJournal.headerSize + 3] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect(try VolumeJournal.records(at: path) == Array(records.prefix(1)))

        try journal.reset()
        #expect(try VolumeJournal.records(at: path).isEmpty)
    }

    @Test("Small flushed writes go to the journal, not the block store; full blocks are stored; a checkpoint stores the rest")
    func flushJournalsSmallWrites() async throws {
        let (cloud, _) = try makeTestCloud()
        let caller = testCaller()
        let (volume, _) = try await cloud.volumes.createVolume(caller, VolumeRequest(availabilityZone: "us-east-1a", size: 1))
        let device = try await cloud.volumes.deviceVolume(volume.id)
        let directory = journalDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let journal = try await VolumeExport.openJournal(in: directory, volumeID: volume.id, volumes: cloud.volumes)
        let export = VolumeExport(volume: device, volumes: cloud.volumes, journal: journal)
        let whole = [UInt8](repeating: 0x5A, count: Block.size)
        try await Blocking.offPool {
            try export.write(offset: 100, bytes: [1, 2, 3])
            try export.write(offset: UInt64(Block.size), bytes: whole)
            try export.write(offset: UInt64(5 * Block.size) + 7, bytes: [9])
            try export.flush()
        }
        #expect(try VolumeJournal.records(at: journal.path).map(\.blockIndex) == [0, 5], "only the small writes are journaled")
        #expect(try await cloud.volumes.readVolume(caller, volumeID: volume.id, offset: Block.size, length: 4) == [0x5A, 0x5A, 0x5A, 0x5A])
        #expect(
            try await cloud.volumes.readVolume(caller, volumeID: volume.id, offset: 100, length: 3) == [0, 0, 0],
            "journaled writes wait for a checkpoint"
        )
        // A later full write of a journaled block waits for the checkpoint too, so the journal
        // never replays an older write over it.
        try await Blocking.offPool {
            try export.write(offset: 0, bytes: [UInt8](repeating: 7, count: Block.size))
            try export.flush()
        }
        #expect(try VolumeJournal.records(at: journal.path).map(\.blockIndex) == [0, 5, 0])
        try await Blocking.offPool { try export.checkpoint() }
        #expect(try VolumeJournal.records(at: journal.path).isEmpty)
        #expect(try await cloud.volumes.readVolume(caller, volumeID: volume.id, offset: 100, length: 3) == [7, 7, 7])
        #expect(try await cloud.volumes.readVolume(caller, volumeID: volume.id, offset: 5 * Block.size + 6, length: 3) == [0, 9, 0])
    }

    @Test("A journal left by a crash is replayed when the volume is served again, and replaying twice changes nothing")
    func replayAfterCrash() async throws {
        let (cloud, _) = try makeTestCloud()
        let caller = testCaller()
        let (volume, _) = try await cloud.volumes.createVolume(caller, VolumeRequest(availabilityZone: "us-east-1a", size: 1))
        let device = try await cloud.volumes.deviceVolume(volume.id)
        let directory = journalDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let stored = [UInt8](repeating: 1, count: 2 * Block.size)
        let crashed = VolumeExport(
            volume: device,
            volumes: cloud.volumes,
            journal: try await VolumeExport.openJournal(in: directory, volumeID: volume.id, volumes: cloud.volumes)
        )
        try await Blocking.offPool {
            try crashed.write(offset: 0, bytes: stored)
            try crashed.flush()
            try crashed.write(offset: 10, bytes: [2, 2])
            try crashed.write(offset: 11, bytes: [3])
            try crashed.write(offset: UInt64(Block.size) - 1, bytes: [4, 4])
            try crashed.flush()
            try crashed.write(offset: 20, bytes: [5])  // never flushed: lost with the crash, as a disk's cache is
        }
        let path = VolumeExport.journalPath(in: directory, volumeID: volume.id)
        let copy = directory.appendingPathComponent("copy")
        try FileManager.default.copyItem(atPath: path, toPath: copy.path)
        // The crashed export is dropped without a checkpoint; the next serve replays its journal.
        _ = try await VolumeExport.openJournal(in: directory, volumeID: volume.id, volumes: cloud.volumes)
        let expected: [UInt8] = [1, 2, 3, 1]
        #expect(try await cloud.volumes.readVolume(caller, volumeID: volume.id, offset: 9, length: 4) == expected)
        #expect(try await cloud.volumes.readVolume(caller, volumeID: volume.id, offset: 19, length: 3) == [1, 1, 1])
        #expect(try await cloud.volumes.readVolume(caller, volumeID: volume.id, offset: Block.size - 2, length: 4) == [1, 4, 4, 1])
        // A crash after a replay's commit and before the journal's removal replays it again.
        try FileManager.default.removeItem(atPath: path)  // the new, empty journal
        try FileManager.default.moveItem(atPath: copy.path, toPath: path)
        try await VolumeExport.replayJournal(at: path, volumeID: volume.id, volumes: cloud.volumes)
        #expect(try await cloud.volumes.readVolume(caller, volumeID: volume.id, offset: 9, length: 4) == expected)
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
