import Crypto
import Foundation
import KilnBlocks
import KilnCore
import KilnStore
import Testing

@testable import KilnTestSupport

@Suite("Instances", .timeLimit(.minutes(2)))
struct InstanceTests {
    func image(_ cloud: Cloud, _ caller: Caller, name: String = "base", architecture: String = "x86_64") async throws -> (
        image: String, snapshot: String
    ) {
        let snapshot = try await completedSnapshot(cloud, caller, size: 2)
        var request = ImageRegistration(name: name, rootDeviceName: "/dev/xvda", mappings: [.init(deviceName: "/dev/xvda", snapshotID: snapshot)])
        request.architecture = architecture
        request.virtualizationType = "hvm"
        return (try await cloud.images.registerImage(caller, request), snapshot)
    }

    func launch(_ cloud: Cloud, _ caller: Caller, image: String, type: String = "t3.micro", count: Int = 1) async throws -> Reservation {
        var data = LaunchTemplateData()
        data.imageID = image
        data.instanceType = type
        return try await cloud.instances.runInstances(caller, LaunchRequest(data: data, minCount: count, maxCount: count))
    }

    @Test("A launch copies no block: the root volume reads the image's snapshot until written")
    func copyOnWriteLaunch() async throws {
        let (cloud, _) = try makeTestCloud()
        let owner = testCaller()
        let (imageID, snapshotID) = try await image(cloud, owner)
        let blocksBefore = try await blockIndexCount(cloud)
        let reservation = try await launch(cloud, owner, image: imageID, count: 3)
        #expect(reservation.instances.count == 3)
        let root = try #require(reservation.instances[0].devices.first)
        let volume = try #require(try await cloud.store.read { try $0.fetch(Volume.self, id: root.volumeID) })
        #expect(volume.snapshotID == snapshotID && volume.state == .inUse && volume.attachment?.instanceID == reservation.instances[0].id)
        #expect(try await cloud.store.read { try $0.blockCount(of: root.volumeID) } == 0, "the volume's own map starts empty")
        #expect(try await blockIndexCount(cloud) == blocksBefore, "no block was stored")
        #expect(try await cloud.volumes.readVolume(owner, volumeID: root.volumeID, offset: 0, length: Block.size) == textBlock(2))
        // After the launch's write the instance is running and the image records the launch.
        let instance = try await cloud.instances.instance(owner, id: reservation.instances[0].id)
        #expect(instance.state == .running && instance.bootCount == 1)
        #expect(try await cloud.store.read { try $0.image(imageID) }?.lastLaunchedTime != nil)
    }

    @Test("An arm64 image does not launch on an x86_64 type, nor an instance-store image on an EBS-only type")
    func typeChecks() async throws {
        let (cloud, _) = try makeTestCloud()
        let owner = testCaller()
        let (arm, _) = try await image(cloud, owner, architecture: "arm64")
        await #expect(throws: CloudError.self) { _ = try await launch(cloud, owner, image: arm, type: "t3.micro") }
        _ = try await launch(cloud, owner, image: arm, type: "t4g.micro")
        var bundle = ImageRegistration(name: "bundle", imageLocation: try await putBundle(cloud, owner, bucket: "bundles", name: "p"))
        bundle.architecture = "x86_64"
        let store = try await cloud.images.registerImage(owner, bundle)
        do {
            _ = try await launch(cloud, owner, image: store, type: "t3.micro")
            Issue.record("an instance-store image launched on t3.micro")
        } catch let error as CloudError {
            #expect(error.code == "InvalidParameterCombination")
        }
    }

    @Test("CreateImage is pending until its snapshots complete, then available")
    func createImageWaitsForSnapshots() async throws {
        let (cloud, clock) = try makeTestCloud(latency: .realistic)
        let owner = testCaller()
        let (imageID, _) = try await image(cloud, owner)
        clock.advance(by: 60)
        try await cloud.applyDueTransitions()
        let reservation = try await launch(cloud, owner, image: imageID)
        clock.advance(by: 60)
        try await cloud.applyDueTransitions()
        let instanceID = reservation.instances[0].id
        let root = try #require(reservation.instances[0].devices.first?.volumeID)
        try await cloud.volumes.writeVolume(owner, volumeID: root, offset: 3 * Block.size, data: [UInt8](repeating: 7, count: Block.size))
        let created = try await cloud.images.createImage(owner, ImageCreation(instanceID: instanceID, name: "golden"))
        #expect(try await cloud.store.read { try $0.image(created) }?.state == .pending)
        clock.advance(by: 60)
        try await cloud.applyDueTransitions()
        let image = try #require(try await cloud.store.read { try $0.image(created) })
        #expect(image.state == .available && image.sourceInstanceID == instanceID)
        let snapshotID = try #require(image.snapshotIDs.first)
        let snapshot = try #require(try await cloud.store.read { try $0.fetch(Snapshot.self, id: snapshotID) })
        #expect(snapshot.storage?.changedBlockCount == 1, "incremental: only the written block is new")
        #expect(try await cloud.instances.instance(owner, id: instanceID).bootCount == 2, "without NoReboot the instance reboots")
    }

    @Test("Stop is refused for instance-store roots and terminated instances; DeleteOnTermination decides each volume")
    func stateMachine() async throws {
        let (cloud, _) = try makeTestCloud()
        let owner = testCaller()
        let (imageID, _) = try await image(cloud, owner)
        let instance = try await launch(cloud, owner, image: imageID).instances[0]
        let stopped = try await cloud.instances.stopInstances(owner, ids: [instance.id])
        #expect(stopped.first?.current == .stopping)
        #expect(try await cloud.instances.instance(owner, id: instance.id).state == .stopped)
        _ = try await cloud.instances.startInstances(owner, ids: [instance.id])
        _ = try await cloud.instances.terminateInstances(owner, ids: [instance.id])
        #expect(try await cloud.instances.instance(owner, id: instance.id).state == .terminated)
        await #expect(throws: CloudError.self) { _ = try await cloud.instances.stopInstances(owner, ids: [instance.id]) }
        let rootID = try #require(instance.devices.first?.volumeID)
        #expect(try await cloud.store.read { try $0.fetch(Volume.self, id: rootID) } == nil, "the root volume went with the instance")
    }

    @Test("Launch template versions layer over their source, and a launch's own parameters win")
    func templateLayers() async throws {
        let (cloud, _) = try makeTestCloud()
        let owner = testCaller()
        let (first, _) = try await image(cloud, owner, name: "golden-v1")
        var data = LaunchTemplateData()
        data.imageID = first
        data.instanceType = "t3.small"
        let template = try await cloud.launchTemplates.createLaunchTemplate(owner, name: "web", versionDescription: nil, data: data, tags: [])
        var change = LaunchTemplateData()
        change.instanceType = "t3.large"
        let (_, version) = try await cloud.launchTemplates.createLaunchTemplateVersion(
            owner,
            id: template.id,
            name: nil,
            sourceVersion: "1",
            versionDescription: nil,
            data: change
        )
        #expect(version.number == 2 && version.data.imageID == first && version.data.instanceType == "t3.large")
        var call = LaunchTemplateData()
        call.instanceType = "t3.micro"
        let launched = try await cloud.instances.runInstances(
            owner,
            LaunchRequest(data: call, minCount: 1, maxCount: 1, template: .init(id: template.id, name: nil, version: "$Latest"))
        )
        #expect(launched.instances[0].instanceType == "t3.micro" && launched.instances[0].launchTemplate?.version == 2)
    }

    @Test("Bundle manifests survive their XML round trip")
    func manifestRoundTrip() {
        let manifest = BundleManifest(
            name: "web",
            architecture: "arm64",
            size: 3_000_000,
            sha256: String(repeating: "ab", count: 32),
            parts: [
                .init(filename: "web.part.0", sha256: String(repeating: "01", count: 32)),
                .init(filename: "web.part.1", sha256: String(repeating: "02", count: 32)),
            ]
        )
        #expect(BundleManifest(xml: manifest.xml) == manifest)
        #expect(BundleManifest(xml: "<manifest/>") == nil)
    }

    @Test("A bundle becomes the root disk of an instance-store instance, which goes with it")
    func instanceStoreRoot() async throws {
        let (cloud, _) = try makeTestCloud()
        let owner = testCaller()
        let disk = (0..<(Block.size + 1000)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let manifest = BundleManifest(
            name: "disk",
            architecture: "x86_64",
            size: disk.count,
            sha256: Hex.encode(SHA256.hash(data: disk)),
            parts: [.init(filename: "disk.part.0", sha256: Hex.encode(SHA256.hash(data: disk)))]
        )
        try await cloud.bundles.putObject(owner, bucket: "bundles", key: "disk.part.0", bytes: disk)
        try await cloud.bundles.putObject(owner, bucket: "bundles", key: "disk.manifest.xml", bytes: Array(manifest.xml.utf8))
        var registration = ImageRegistration(name: "disk", imageLocation: "bundles/disk.manifest.xml")
        registration.architecture = "x86_64"
        let imageID = try await cloud.images.registerImage(owner, registration)
        let instance = try await launch(cloud, owner, image: imageID, type: "m5d.large").instances[0]
        #expect(instance.rootDeviceType == "instance-store" && instance.devices.isEmpty)
        #expect(try await cloud.volumes.readVolume(owner, volumeID: instance.id, offset: 0, length: disk.count) == disk)
        let listed = try await cloud.volumes.describeVolumes(owner, ids: nil, filters: [], page: .everything())
        #expect(listed.volumes.isEmpty, "an instance-store root is not an EBS volume")
        _ = try await cloud.instances.terminateInstances(owner, ids: [instance.id])
        await #expect(throws: CloudError.self) { _ = try await cloud.volumes.readVolume(owner, volumeID: instance.id, offset: 0, length: 1) }
    }
}
