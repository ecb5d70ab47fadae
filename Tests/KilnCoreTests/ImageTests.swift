import Foundation
import KilnCore
import Testing

@testable import KilnStore
@testable import KilnTestSupport

@Suite("Image registry", .timeLimit(.minutes(2)))
struct ImageTests {
    func snapshot(_ cloud: Cloud, _ caller: Caller, size: Int = 1) async throws -> String {
        try await completedSnapshot(cloud, caller, size: size)
    }

    func register(_ cloud: Cloud, _ caller: Caller, name: String, snapshotID: String) async throws -> String {
        var request = ImageRegistration(
            name: name,
            rootDeviceName: "/dev/xvda",
            mappings: [.init(deviceName: "/dev/xvda", snapshotID: snapshotID)]
        )
        request.architecture = "x86_64"
        request.virtualizationType = "hvm"
        return try await cloud.images.registerImage(caller, request)
    }

    func visible(_ cloud: Cloud, _ caller: Caller, executableUsers: [String]? = nil, owners: [String]? = nil) async throws -> [String] {
        try await cloud.images.describeImages(caller, ImageDescription(owners: owners, executableUsers: executableUsers), page: .everything()).images
            .map(\.0.id)
    }

    @Test("Registration checks names, duplicates, the root mapping and snapshot sizes")
    func registration() async throws {
        let (cloud, _) = try makeTestCloud()
        let owner = testCaller()
        let snap = try await snapshot(cloud, owner, size: 4)
        let id = try await register(cloud, owner, name: "web (v1.0)", snapshotID: snap)
        let image = try #require(try await cloud.store.read { try $0.image(id) })
        #expect(image.blockDeviceMappings.first?.ebs?.volumeSize == 4, "the size defaults to the snapshot's")
        #expect(image.imageLocation == "111111111111/web (v1.0)")
        await #expect(throws: CloudError.self, "duplicate name") { _ = try await register(cloud, owner, name: "web (v1.0)", snapshotID: snap) }
        await #expect(throws: CloudError.self, "too short") { _ = try await register(cloud, owner, name: "ab", snapshotID: snap) }
        await #expect(throws: CloudError.self, "bad character") { _ = try await register(cloud, owner, name: "web#1", snapshotID: snap) }
        await #expect(throws: CloudError.self, "another account's snapshot") {
            _ = try await register(cloud, testCaller(account: "222222222222"), name: "stolen", snapshotID: snap)
        }
        var small = ImageRegistration(
            name: "small",
            rootDeviceName: "/dev/xvda",
            mappings: [.init(deviceName: "/dev/xvda", snapshotID: snap, volumeSize: 2)]
        )
        small.architecture = "x86_64"
        await #expect(throws: CloudError.self, "smaller than the snapshot") { _ = try await cloud.images.registerImage(owner, small) }
        let wrongRoot = ImageRegistration(
            name: "wrong-root",
            rootDeviceName: "/dev/sda1",
            mappings: [.init(deviceName: "/dev/xvda", snapshotID: snap)]
        )
        await #expect(throws: CloudError.self, "root device not among the mappings") { _ = try await cloud.images.registerImage(owner, wrongRoot) }
        let missing = ImageRegistration(name: "bundle", imageLocation: "my-bucket/images/web.manifest.xml")
        await #expect(throws: CloudError.self, "the manifest is read at registration") { _ = try await cloud.images.registerImage(owner, missing) }
        let location = try await putBundle(cloud, owner, bucket: "my-bucket", name: "images/web")
        let bundled = try await cloud.images.registerImage(owner, ImageRegistration(name: "bundle", imageLocation: location))
        #expect(try await cloud.store.read { try $0.image(bundled) }?.rootDeviceType == "instance-store")
    }

    @Test("Visibility: owner, account share, organization unit, public; strangers get NotFound")
    func visibility() async throws {
        let organization = IdentityDirectory.Organization(
            id: "o-example",
            managementAccount: AccountID("111111111111")!,
            units: [.init(id: "ou-root-prod", name: "prod", accounts: [AccountID("444444444444")!])]
        )
        let (cloud, _) = try makeTestCloud(identity: IdentityDirectory(organizations: [organization]))
        let owner = testCaller()
        let recipient = testCaller(account: "222222222222")
        let member = testCaller(account: "444444444444")
        let stranger = testCaller(account: "333333333333")
        let id = try await register(cloud, owner, name: "shared", snapshotID: try await snapshot(cloud, owner))
        #expect(try await visible(cloud, stranger).isEmpty)
        await #expect(throws: CloudError("InvalidAMIID.NotFound", "The image id '[\(id)]' does not exist")) {
            _ = try await cloud.images.describeImages(stranger, ImageDescription(ids: [id]), page: .everything())
        }
        try await cloud.images.modifyLaunchPermissions(owner, imageID: id, change: .init(add: [.account(recipient.account)], remove: []))
        #expect(try await visible(cloud, recipient, executableUsers: ["self"]) == [id])
        #expect(try await visible(cloud, member).isEmpty)
        try await cloud.images.modifyLaunchPermissions(
            owner,
            imageID: id,
            change: .init(add: [.organizationalUnit("arn:aws:organizations::111111111111:ou/o-example/ou-root-prod")], remove: [])
        )
        #expect(try await visible(cloud, member) == [id], "a unit member sees it")
        await #expect(throws: CloudError.self, "an OU member cannot cancel an OU share") {
            try await cloud.images.cancelImageLaunchPermission(member, imageID: id)
        }
        try await cloud.images.cancelImageLaunchPermission(recipient, imageID: id)
        #expect(try await visible(cloud, recipient).isEmpty)
        await #expect(throws: CloudError.self, "block public access is on for new accounts") {
            try await cloud.images.modifyLaunchPermissions(owner, imageID: id, change: .init(add: [.all], remove: []))
        }
        _ = try await cloud.accountSettings.imageBlockPublicAccess(owner, set: false)
        try await cloud.images.modifyLaunchPermissions(owner, imageID: id, change: .init(add: [.all], remove: []))
        #expect(try await visible(cloud, stranger, executableUsers: ["all"]) == [id])
        await #expect(throws: CloudError.self, "only the owner modifies") {
            try await cloud.images.modifyImage(stranger, imageID: id, description: "mine now", imdsSupport: nil)
        }
        try await cloud.images.resetImageAttribute(owner, imageID: id, attribute: "launchPermission")
        #expect(try await visible(cloud, stranger).isEmpty)
    }

    @Test("Deprecated images leave non-owners' listings but stay reachable by id; disabled ones lose their shares")
    func lifecycle() async throws {
        let (cloud, clock) = try makeTestCloud()
        let owner = testCaller()
        let recipient = testCaller(account: "222222222222")
        let id = try await register(cloud, owner, name: "old", snapshotID: try await snapshot(cloud, owner))
        try await cloud.images.modifyLaunchPermissions(owner, imageID: id, change: .init(add: [.account(recipient.account)], remove: []))
        try await cloud.images.deprecateImage(owner, imageID: id, at: clock.now + 3600)
        #expect(try await visible(cloud, recipient) == [id])
        clock.advance(by: 7200)
        #expect(try await visible(cloud, recipient).isEmpty)
        #expect(try await visible(cloud, owner) == [id], "owners always see their deprecated images")
        let byID = try await cloud.images.describeImages(recipient, ImageDescription(ids: [id]), page: .everything())
        #expect(byID.images.count == 1)
        try await cloud.images.setImageDisabled(owner, imageID: id, disabled: true)
        #expect(try await visible(cloud, owner).isEmpty, "disabled images are hidden without IncludeDisabled")
        try await cloud.images.setImageDisabled(owner, imageID: id, disabled: false)
        await #expect(throws: CloudError.self, "shares are not restored") {
            _ = try await cloud.images.describeImages(
                recipient,
                ImageDescription(ids: [id], includeDeprecated: true, includeDisabled: true),
                page: .everything()
            )
        }
    }

    @Test("Deregistration: protection with cooldown, snapshots kept or deleted, a second call is Unavailable")
    func deregistration() async throws {
        let (cloud, clock) = try makeTestCloud()
        let owner = testCaller()
        let snap = try await snapshot(cloud, owner)
        let id = try await register(cloud, owner, name: "to-go", snapshotID: snap)
        await #expect(throws: CloudError.self, "a snapshot in use cannot be deleted") { try await cloud.snapshots.deleteSnapshot(owner, id: snap) }
        #expect(
            try await cloud.images.setDeregistrationProtection(owner, imageID: id, enabled: true, withCooldown: true).protection
                == .enabled(withCooldown: true)
        )
        let cooling = try await cloud.images.setDeregistrationProtection(owner, imageID: id, enabled: false, withCooldown: false)
        #expect(cooling.protection == .disabledUntil(cooling.at + ImageService.deregistrationCooldown))
        await #expect(throws: CloudError.self, "still cooling down") {
            _ = try await cloud.images.deregisterImage(owner, id: id, deleteAssociatedSnapshots: true)
        }
        clock.advance(by: ImageService.deregistrationCooldown + 1)
        let results = try await cloud.images.deregisterImage(owner, id: id, deleteAssociatedSnapshots: true)
        #expect(results.map(\.code) == ["success"])
        await #expect(throws: CloudError("InvalidAMIID.Unavailable", "The image id '[\(id)]' is no longer available")) {
            _ = try await cloud.images.deregisterImage(owner, id: id, deleteAssociatedSnapshots: false)
        }
        #expect(try await visible(cloud, owner).isEmpty)
    }

    @Test("DeleteAssociatedSnapshots deletes the snapshot, but volumes made from it keep its data")
    func deregistrationKeepsVolumesWhole() async throws {
        let (cloud, clock) = try makeTestCloud()
        let owner = testCaller()
        let snap = try await snapshot(cloud, owner)
        let id = try await register(cloud, owner, name: "base", snapshotID: snap)
        let (volume, _) = try await cloud.volumes.createVolume(owner, VolumeRequest(availabilityZone: "us-east-1a", size: 1, snapshotID: snap))
        clock.advance(by: 60)
        try await cloud.applyDueTransitions()
        let before = try await cloud.volumes.readVolume(owner, volumeID: volume.id, offset: 0, length: 64)
        #expect(before == Array(textBlock(1).prefix(64)))
        #expect(try await cloud.images.deregisterImage(owner, id: id, deleteAssociatedSnapshots: true).map(\.code) == ["success"])
        #expect(
            try await cloud.volumes.readVolume(owner, volumeID: volume.id, offset: 0, length: 64) == before,
            "the volume still reads its snapshot's blocks"
        )
    }

    @Test("Filters and pages: wildcards, tags, mappings; MaxResults pages through in id order")
    func filtersAndPages() async throws {
        let (cloud, _) = try makeTestCloud()
        let owner = testCaller()
        let snap = try await snapshot(cloud, owner)
        var ids: [String] = []
        for index in 0..<12 {
            ids.append(try await register(cloud, owner, name: "app-\(index < 10 ? "0" : "")\(index)", snapshotID: snap))
        }
        try await cloud.tags.createTags(owner, resourceIDs: [ids[3]], tags: [Tag(key: "stage", value: "prod")])
        func names(_ filters: [Filter]) async throws -> [String] {
            try await cloud.images.describeImages(owner, ImageDescription(owners: ["self"], filters: filters), page: .everything())
                .images.map(\.0.name).sorted()
        }
        #expect(try await names([Filter(name: "name", values: ["app-1?"])]) == ["app-10", "app-11"])
        #expect(try await names([Filter(name: "name", values: ["app-05"])]) == ["app-05"])
        #expect(try await names([Filter(name: "name", values: ["app-1"])]).isEmpty)
        #expect(try await names([Filter(name: "name", values: ["app-0?", "app-11"])]) == (0..<10).map { "app-0\($0)" } + ["app-11"])
        #expect(try await names([Filter(name: "name", values: ["*-1*"])]) == ["app-10", "app-11"])
        #expect(try await names([Filter(name: "name", values: ["app-\\*"])]).isEmpty)
        #expect(try await names([Filter(name: "tag:stage", values: ["pr*"])]) == ["app-03"])
        #expect(
            try await names([Filter(name: "block-device-mapping.snapshot-id", values: [snap]), Filter(name: "name", values: ["*-0[0]"])]).isEmpty
        )
        #expect(try await names([Filter(name: "architecture", values: ["arm64"])]).isEmpty)
        await #expect(throws: CloudError.self, "unknown filter") { _ = try await names([Filter(name: "colour", values: ["red"])]) }
        var seen: [String] = []
        var token: String?
        repeat {
            let page = try await cloud.images.describeImages(
                owner,
                ImageDescription(owners: ["self"]),
                page: PageRequest(
                    maxResults: 5,
                    nextToken: token,
                    allowed: 1...1000,
                    scope: cloud.context.pageScope("DescribeImages", caller: owner, parameters: [])
                )
            )
            #expect(page.images.count <= 5)
            seen += page.images.map(\.0.id)
            token = page.nextToken
        } while token != nil
        #expect(seen == ids.sorted())
    }
}

@Suite("Name patterns in SQL", .timeLimit(.minutes(2)))
struct NamePatternTests {
    @Test(
        "A pattern's literal prefix bounds the names it can match",
        arguments: [
            ("app-0?", "app-0", "app-1"),
            ("app-05", "app-05", "app-06"),
            ("web\\*x*", "web*x", "web*y"),
            ("a\u{D7FF}*", "a\u{D7FF}", "a\u{E000}"),
            ("z\u{10FFFF}*", "z\u{10FFFF}", "{"),
        ]
    )
    func prefixRange(pattern: String, low: String, high: String) {
        let range = WildcardPattern.prefixRange(of: pattern)
        #expect(range?.low == low)
        #expect(range?.high == high)
    }

    @Test("A pattern that begins with a wildcard has no range")
    func leadingWildcard() {
        #expect(WildcardPattern.prefixRange(of: "*-web") == nil)
        #expect(WildcardPattern.prefixRange(of: "?pp") == nil)
    }

    @Test("moto's catalogue: one id in every region, each region's image its own")
    func motoCatalogue() async throws {
        let (cloud, _) = try makeTestCloud()
        #expect(Catalog.motoImages.count == 40, "the well-formed, EBS-backed images of moto's amis.json")
        let windows = try #require(Catalog.motoImages.first { $0.fixedID == "ami-12c6146b" })
        #expect(windows.platform == "windows" && windows.owner.rawValue == "801119661308")
        _ = try await cloud.catalog.seedCatalog([windows])
        let east = testCaller(region: "us-east-1")
        let west = testCaller(region: "eu-west-1")
        let eastImage = try await cloud.images.describeImages(east, ImageDescription(ids: ["ami-12c6146b"]), page: .everything()).images
        let westImage = try await cloud.images.describeImages(west, ImageDescription(ids: ["ami-12c6146b"]), page: .everything()).images
        #expect(eastImage.map(\.0.region) == ["us-east-1"] && westImage.map(\.0.region) == ["eu-west-1"])
        #expect(eastImage.first?.0.snapshotIDs != westImage.first?.0.snapshotIDs, "each region's image has its own snapshot")
        #expect(try await cloud.store.read { try $0.image("ami-12c6146b") } == nil, "filed under id and region")
        #expect(try await cloud.catalog.seedCatalog([windows]) == 0, "seeding again adds nothing")
    }
}
