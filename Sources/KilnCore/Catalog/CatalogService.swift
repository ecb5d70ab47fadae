import Crypto
import Foundation

/// The public images that every region starts with, each backed by a small real snapshot.
package struct CatalogService: CloudService {
    package let context: CloudContext
}

/// The catalogue every region starts with, and the SSM public parameters that point at it.
extension CatalogService {
    /// The catalogue image's id in `region`: derived from its name, so it is the same on every start.
    static func catalogID(_ prefix: ResourcePrefix, region: RegionName, name: String) -> String {
        let digest = Hex.encode(SHA256.hash(data: Array("kiln catalogue|\(region)|\(name)|\(prefix.rawValue)".utf8)))
        return "\(prefix.rawValue)-0" + digest.prefix(16)
    }

    /// The bytes of a catalogue image's root volume: a boot block and an os-release file, so
    /// that a volume or export of it shows which image it came from.
    static func catalogBlocks(_ entry: CatalogImage) -> [Int: [UInt8]] {
        func block(_ text: String) -> [UInt8] {
            var bytes = Array(text.utf8.prefix(Block.size))
            bytes += [UInt8](repeating: 0, count: Block.size - bytes.count)
            return bytes
        }
        var boot = block("KILN-CATALOGUE-IMAGE \(entry.name)\n\(entry.description)\narchitecture=\(entry.architecture)\n")
        boot[510] = 0x55
        boot[511] = 0xAA
        let release = block(
            """
            NAME="\(entry.description)"
            ID=\(entry.family)
            VERSION_ID="\(entry.name)"
            ARCHITECTURE=\(entry.architecture)
            PUBLISHER=\(entry.ownerAlias ?? entry.owner.rawValue)
            NOTE="A Kiln catalogue image: a small real volume that stands in for the published image."

            """
        )
        return [0: boot, 1: release]
    }

    /// What a catalogue image's snapshot id derives from: its fixed id if it has one, else its name.
    static func catalogKey(_ entry: CatalogImage) -> String { entry.fixedID ?? entry.name }

    /// A catalogue image's id in `region`: its fixed id, or one derived from the region and name.
    static func catalogImageID(_ entry: CatalogImage, region: RegionName) -> String {
        entry.fixedID ?? catalogID(.image, region: region, name: entry.name)
    }

    /// Adds the catalogue `images` to every served region that lacks them. Safe to run at every start.
    ///
    /// The blocks of every region are put, then made durable with one flush, then every
    /// region's records are written in one transaction. A catalogue image's blocks are the
    /// same bytes in every region, so they are hashed once, however many regions lack them.
    package func seedCatalog(_ images: [CatalogImage] = Catalog.images) async throws -> Int {
        var records: [(Snapshot, Image, [BlockEntry], EncryptionDomain)] = []
        var hashed: [String: [HashedBlock]] = [:]
        for region in regions.enabled.map(\.name) {
            let existing = try await store.read { transaction in
                Set(try transaction.images(ImageQuery(region: region, viewer: nil)).map(\.id))
            }
            for entry in images where !existing.contains(Self.catalogImageID(entry, region: region)) {
                let key = Self.catalogKey(entry)
                let entryBlocks = hashed[key] ?? Self.hashedCatalogBlocks(entry)
                hashed[key] = entryBlocks
                records.append(try await catalogRecord(entry, blocks: entryBlocks, region: region))
            }
        }
        guard !records.isEmpty else { return 0 }
        try await blocks.flush()
        let batch = records
        try await store.write { transaction in
            for (record, image, mapped, domain) in batch {
                var snapshot = record
                try transaction.putBlockEntries(mapped, of: snapshot.id, domain: domain.id)
                snapshot.storage = try transaction.measure(snapshotID: snapshot.id, changed: mapped, domain: domain)
                try transaction.save(snapshot)
                try transaction.saveImage(image)
            }
        }
        return records.count
    }

    /// A block of a catalogue image, with the digests that do not depend on its region.
    struct HashedBlock: Sendable {
        var index: Int
        var bytes: [UInt8]
        var sha256: [UInt8]
        var changeDigest: [UInt8]
    }

    /// The blocks of `entry`'s snapshot, in order, hashed.
    static func hashedCatalogBlocks(_ entry: CatalogImage) -> [HashedBlock] {
        catalogBlocks(entry).sorted { $0.key < $1.key }.map { index, bytes in
            HashedBlock(index: index, bytes: bytes, sha256: Array(SHA256.hash(data: bytes)), changeDigest: ChangeDigest.of(bytes))
        }
    }

    /// The snapshot, image and block entries of the catalogue image `entry` in `region`, with
    /// its blocks put there (not yet flushed).
    private func catalogRecord(_ entry: CatalogImage, blocks entryBlocks: [HashedBlock], region: RegionName) async throws -> (
        Snapshot, Image, [BlockEntry], EncryptionDomain
    ) {
        let domain = EncryptionDomain.unencrypted(region)
        var mapped: [BlockEntry] = []
        for block in entryBlocks {
            let id = try await blocks.put(block.bytes, sha256: block.sha256, domain: domain)
            mapped.append(BlockEntry(index: block.index, id: id, sha256: block.sha256, changeDigest: block.changeDigest))
        }
        return (Self.catalogSnapshot(entry, region: region), Self.catalogImage(entry, region: region), mapped, domain)
    }

    static func catalogSnapshot(_ entry: CatalogImage, region: RegionName) -> Snapshot {
        let snapshotID = catalogID(.snapshot, region: region, name: catalogKey(entry))
        var snapshot = Snapshot(
            id: snapshotID,
            owner: entry.owner,
            region: region,
            volumeID: Snapshot.directUploadVolumeID,
            volumeSize: entry.volumeSize,
            state: .completed,
            progress: 100,
            startTime: entry.published,
            description: "Created for \(entry.name)",
            encrypted: false,
            kmsKeyID: nil,
            parentID: nil,
            lineageID: snapshotID
        )
        snapshot.completionTime = entry.published
        return snapshot
    }

    static func catalogImage(_ entry: CatalogImage, region: RegionName) -> Image {
        let snapshotID = catalogID(.snapshot, region: region, name: catalogKey(entry))
        var image = Image(
            id: catalogImageID(entry, region: region),
            owner: entry.owner,
            region: region,
            name: entry.name,
            creationDate: entry.published
        )
        image.description = entry.description
        image.ownerAlias = entry.ownerAlias
        image.architecture = entry.architecture
        image.platform = entry.platform
        image.platformDetails = entry.platformDetails
        image.usageOperation = entry.usageOperation
        image.rootDeviceName = entry.rootDeviceName
        image.idSharedAcrossRegions = entry.fixedID == nil ? nil : true
        image.virtualizationType = entry.virtualizationType
        image.imageLocation = entry.imageLocation ?? "\(entry.ownerAlias ?? entry.owner.rawValue)/\(entry.name)"
        image.enaSupport = true
        image.sriovNetSupport = entry.sriovNetSupport
        image.bootMode = entry.bootMode
        image.imdsSupport = entry.family.hasPrefix("al2023") ? "v2.0" : nil
        image.productCodes = entry.productCode.map { [Image.ProductCode(id: $0)] } ?? []
        image.launchPermissions = [.all]
        // Public images get AWS's default deprecation two years after creation; older versions are already past theirs here.
        if entry.deprecates {
            image.deprecationTime = entry.deprecated ? entry.published + 180 * 86_400 : entry.published + 2 * 365 * 86_400
        }
        image.blockDeviceMappings = [
            Image.DeviceMapping(
                deviceName: entry.rootDeviceName,
                ebs: Image.EBSDevice(
                    snapshotID: snapshotID,
                    volumeSize: entry.volumeSize,
                    volumeType: entry.volumeType,
                    deleteOnTermination: true,
                    encrypted: false,
                    iops: entry.volumeType == .gp3 ? 3000 : nil,
                    throughput: entry.volumeType == .gp3 ? 125 : nil
                )
            )
        ]
        return image
    }

    /// The value of an SSM public parameter in `region`: the id of the newest catalogue image it names.
    package func publicParameter(_ name: String, region: RegionName) -> (value: String, published: Date)? {
        guard let entry = Catalog.images.first(where: { $0.parameter == name }), regions.region(region)?.isEnabled == true else { return nil }
        return (Self.catalogID(.image, region: region, name: entry.name), entry.published)
    }

    /// Every SSM public parameter under `path`.
    package func publicParameters(under path: String, recursive: Bool) -> [String] {
        let prefix = path.hasSuffix("/") ? path : path + "/"
        return Catalog.images.compactMap(\.parameter).filter { name in
            guard name.hasPrefix(prefix) else { return false }
            return recursive || !name.dropFirst(prefix.count).contains("/")
        }.sorted()
    }
}
