import Foundation
import KilnBlocks
import KilnCore
import Testing

@testable import KilnTestSupport

/// An I/O error on a pack read, wherever a block is read: the call fails with an AWS-style
/// error that names the block and what holds it, and everything works again once the reads do.
@Suite("Damaged blocks are named where they are read", .timeLimit(.minutes(2)))
struct DamagedBlockTests {
    /// A cloud whose packs can fail to read, an account's caller, and its image of one snapshot.
    func damageableCloud() async throws -> (Cloud, ScriptedBlobStore, Caller, image: String, snapshot: String) {
        let blobs = ScriptedBlobStore()
        let (cloud, _) = try makeTestCloud(blobs: blobs)
        let caller = testCaller()
        let snapshot = try await completedSnapshot(cloud, caller)
        var registration = ImageRegistration(
            name: "damaged",
            rootDeviceName: "/dev/xvda",
            mappings: [.init(deviceName: "/dev/xvda", snapshotID: snapshot)]
        )
        registration.architecture = "x86_64"
        let image = try await cloud.images.registerImage(caller, registration)
        return (cloud, blobs, caller, image, snapshot)
    }

    /// `body`'s error, which must be a ``CloudError``.
    func cloudError(_ body: () async throws -> Void) async throws -> CloudError {
        do {
            try await body()
        } catch let error as CloudError {
            return error
        }
        Issue.record("the call succeeded")
        return CloudError("None", "")
    }

    @Test("A volume's read names the volume, the block and, for a block it shares with it, its snapshot")
    func volumeReads() async throws {
        let (cloud, blobs, caller, _, snapshot) = try await damageableCloud()
        let (volume, _) = try await cloud.volumes.createVolume(caller, VolumeRequest(availabilityZone: "us-east-1a", size: 1, snapshotID: snapshot))
        try await cloud.volumes.writeVolume(caller, volumeID: volume.id, offset: 3 * Block.size, data: textBlock(7))
        await blobs.failReads(true)
        let inherited = try await cloudError { _ = try await cloud.volumes.readVolume(caller, volumeID: volume.id, offset: 10, length: 5) }
        #expect(inherited.code == "InternalError")
        #expect(inherited.category == .server)
        #expect(inherited.message.contains("Block 0 of volume \(volume.id), held by its snapshot \(snapshot),"), "\(inherited.message)")
        #expect(inherited.message.contains("damaged"))
        let own = try await cloudError { _ = try await cloud.volumes.readVolume(caller, volumeID: volume.id, offset: 3 * Block.size, length: 5) }
        #expect(own.message.contains("Block 3 of volume \(volume.id) is damaged"), "\(own.message)")
        // A partial write reads the block it changes: it fails the same way, and stores nothing.
        let write = try await cloudError { try await cloud.volumes.writeVolume(caller, volumeID: volume.id, offset: 1, data: [9]) }
        #expect(write.message.contains("Block 0 of volume \(volume.id)"))
        // Zeros that were never written need no read.
        #expect(try await cloud.volumes.readVolume(caller, volumeID: volume.id, offset: 5 * Block.size, length: 4) == [0, 0, 0, 0])
        await blobs.failReads(false)
        #expect(try await cloud.volumes.readVolume(caller, volumeID: volume.id, offset: 0, length: 5) == Array(textBlock(1)[0..<5]))
        #expect(try await cloud.volumes.readVolume(caller, volumeID: volume.id, offset: 3 * Block.size, length: 5) == Array(textBlock(7)[0..<5]))
    }

    @Test("An image's inspection and its store task (its export) name the snapshot, the image and the block")
    func inspectionAndExport() async throws {
        let (cloud, blobs, caller, image, snapshot) = try await damageableCloud()
        await blobs.failReads(true)
        let inspection = try await cloudError { _ = try await cloud.inspection.inspect(caller, id: image) }
        #expect(inspection.code == "InternalError")
        #expect(inspection.message.contains("Block 0 of snapshot \(snapshot) (of image \(image)) is damaged"), "\(inspection.message)")
        let ofSnapshot = try await cloudError { _ = try await cloud.inspection.inspect(caller, id: snapshot) }
        #expect(ofSnapshot.message.contains("Block 0 of snapshot \(snapshot) is damaged"), "\(ofSnapshot.message)")
        let export = try await cloudError { _ = try await cloud.images.createStoreImageTask(caller, imageID: image, bucket: "backups") }
        #expect(export.code == "InternalError")
        #expect(export.message.contains("Block 0 of snapshot \(snapshot) (of image \(image)) is damaged"), "\(export.message)")
        let tasks = try await cloud.images.describeStoreImageTasks(caller, imageIDs: nil, filters: [])
        #expect(tasks.isEmpty, "a failed export records no completed task")
        await blobs.failReads(false)
        _ = try await cloud.inspection.inspect(caller, id: image)
        #expect(try await cloud.images.createStoreImageTask(caller, imageID: image, bucket: "backups") == "\(image).bin")
    }

    @Test("A copy that must move a block into another domain (here, encrypted) names the source snapshot and the block")
    func copies() async throws {
        let (cloud, blobs, caller, _, snapshot) = try await damageableCloud()
        await blobs.failReads(true)
        let copy = try await cloudError {
            _ = try await cloud.snapshots.copySnapshot(
                caller,
                sourceRegion: "us-east-1",
                sourceSnapshotID: snapshot,
                description: nil,
                encrypted: true,
                kmsKeyID: nil,
                tags: []
            )
        }
        #expect(copy.code == "InternalError")
        #expect(copy.message.contains("Block 0 of snapshot \(snapshot) is damaged"), "\(copy.message)")
        await blobs.failReads(false)
        _ = try await cloud.snapshots.copySnapshot(
            caller,
            sourceRegion: "us-east-1",
            sourceSnapshotID: snapshot,
            description: nil,
            encrypted: true,
            kmsKeyID: nil,
            tags: []
        )
    }
}
