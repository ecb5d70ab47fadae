import Foundation
import KilnCore
import KilnNBD
import Logging
import Testing

@testable import KilnRuntime
@testable import KilnTestSupport

@Suite("A damaged block of a volume served as a disk", .timeLimit(.minutes(2)))
struct ReportingExportTests {
    @Test("A read of a block whose pack cannot be read answers EIO, logs the volume, snapshot and block, and the export carries on")
    func damagedReadIsEIOAndLogged() async throws {
        let blobs = ScriptedBlobStore()
        let (cloud, _) = try makeTestCloud(blobs: blobs)
        let caller = testCaller()
        let snapshot = try await completedSnapshot(cloud, caller)
        let (volume, _) = try await cloud.volumes.createVolume(caller, VolumeRequest(availabilityZone: "us-east-1a", size: 1, snapshotID: snapshot))
        let log = CapturedLog()
        let export = ReportingExport(
            VolumeExport(volume: try await cloud.volumes.deviceVolume(volume.id), volumes: cloud.volumes),
            volumeID: volume.id,
            logger: log.logger
        )
        await blobs.failReads(true)
        let failed = try await Blocking.offPool {
            NBDTransmission.respond(to: NBDRequest(type: 0, handle: 7, offset: 512, length: 512), on: export).bytes
        }
        #expect(failed.count == 16, "an error reply carries no data")
        #expect(bigEndian(failed, at: 4, as: UInt32.self) == NBDProtocol.Error.ioError)
        #expect(bigEndian(failed, at: 8, as: UInt64.self) == 7)
        let entry = try #require(log.entries.first)
        #expect(entry.level == .error)
        #expect(entry.metadata["volume"] == volume.id)
        #expect(entry.metadata["command"] == "read")
        let error = entry.metadata["error"] ?? ""
        #expect(error.contains("Block 0 of volume \(volume.id), held by its snapshot \(snapshot),") && error.contains("damaged"), "\(error)")
        // Blocks never written read as zeros all along; the damaged one reads once the pack does.
        let zeros = try await Blocking.offPool {
            NBDTransmission.respond(to: NBDRequest(type: 0, handle: 8, offset: 1 << 20, length: 4), on: export).bytes
        }
        #expect(Array(zeros[16...]) == [0, 0, 0, 0])
        await blobs.failReads(false)
        let healed = try await Blocking.offPool {
            NBDTransmission.respond(to: NBDRequest(type: 0, handle: 9, offset: 512, length: 4), on: export).bytes
        }
        #expect(bigEndian(healed, at: 4, as: UInt32.self) == 0)
        #expect(Array(healed[16...]) == Array(textBlock(1)[512..<516]))
        #expect(log.entries.count == 1)
    }
}
