import Crypto
import Foundation

/// CreateStoreImageTask, DescribeStoreImageTasks and CreateRestoreImageTask: an image backed up
/// to a bucket as one object in the blob store, and restored from it as a new image.
extension ImageService {
    /// CreateStoreImageTask: writes the image and its blocks to `bucket`; returns the object key.
    package func createStoreImageTask(_ caller: Caller, imageID: String, bucket: String) async throws -> String {
        guard !bucket.isEmpty, !bucket.contains("/"), !bucket.contains("..") else {
            throw CloudError.invalidParameterValue("Invalid bucket name '\(bucket)'.")
        }
        try await context.bundles.claimBucket(bucket, caller)
        let (image, maps) = try await read(caller) { transaction -> (Image, [(Snapshot, [BlockEntry])]) in
            let image = try self.ownedImage(imageID, caller: caller, in: transaction)
            guard image.state == .available, image.isEBSBacked else {
                throw CloudError.imageCannotBeStored(imageID, image.state.rawValue, image.rootDeviceType)
            }
            return (
                image,
                try image.snapshotIDs.compactMap { id in
                    guard let snapshot = try transaction.fetch(Snapshot.self, id: id) else { return nil }
                    return (snapshot, try transaction.blockMap(of: id, from: 0, limit: nil).filter { $0.id != .zero })
                }
            )
        }
        let objectKey = "\(imageID).bin"
        let startTime = clock.now
        let header = StoredImageObject(
            image: image,
            snapshots: maps.map { snapshot, entries in
                .init(
                    id: snapshot.id,
                    volumeSize: snapshot.volumeSize,
                    encrypted: snapshot.encrypted,
                    description: snapshot.description,
                    blockCount: entries.count
                )
            }
        )
        let headerBytes = Array(try JSONEncoder().encode(header))
        // Streamed block by block, so an image of any size is stored in constant memory.
        let blocks = self.blocks
        try await objects.write(BundleService.objectName(bucket: bucket, key: objectKey)) { sink in
            try await sink.write(StoredImageObject.magic + Self.bigEndian(UInt64(headerBytes.count), bytes: 4) + headerBytes)
            for (snapshot, entries) in maps {
                for entry in entries {
                    let plaintext = try await blocks.read(entry.id, domain: snapshot.domain) { cause in
                        CloudError.damagedSnapshotBlock(snapshotID: snapshot.id, imageID: imageID, index: entry.index, cause: cause)
                    }
                    try await sink.write(Self.bigEndian(UInt64(entry.index), bytes: 8) + plaintext)
                }
            }
        }
        let task = StoreImageTask(
            id: imageID,
            owner: caller.account,
            region: caller.region,
            bucket: bucket,
            objectKey: objectKey,
            state: .completed,
            progress: 100,
            startTime: startTime
        )
        try await write(caller) { try $0.save(task) }
        return objectKey
    }

    /// DescribeStoreImageTasks: the caller's tasks, all or for the given images.
    package func describeStoreImageTasks(_ caller: Caller, imageIDs: [String]?, filters: [Filter]) async throws -> [StoreImageTask] {
        let filterSet = try FilterSet(filters, supported: ["task-state", "bucket"])
        return try await read(caller) { transaction in
            let tasks = try transaction.fetchAll(StoreImageTask.self, region: caller.region, owner: caller.account)
            for id in imageIDs ?? [] where !tasks.contains(where: { $0.id == id }) { throw CloudError.imageNotFound([id]) }
            return tasks.filter { task in
                (imageIDs?.isEmpty ?? true || imageIDs?.contains(task.id) == true)
                    && filterSet.admits { name in name == "task-state" ? [task.state.rawValue] : name == "bucket" ? [task.bucket] : [] }
            }
        }
    }

    /// CreateRestoreImageTask: a new image, with new snapshots, from an object a store task wrote.
    package func createRestoreImageTask(_ caller: Caller, bucket: String, objectKey: String, name: String?, tags: [Tag]) async throws -> String {
        try await context.bundles.requireBucketAccess(bucket, caller)
        let object = try await storedImage(bucket: bucket, key: objectKey)
        let imageName = name ?? object.header.image.name
        try ImageName.validate(imageName)
        for tag in tags { try tag.validate() }
        let encryption = try await read(caller) { try $0.resolveEncryption(caller, encrypted: nil, kmsKeyID: nil, now: clock.now) }
        // Store every block first, in the domain each new snapshot will have.
        var offset = object.blocksStart
        var restored: [RestoredSnapshot] = []
        for stored in object.header.snapshots {
            let encrypted = stored.encrypted || encryption.encrypted
            let kmsKeyID = encrypted ? (encryption.kmsKeyID ?? DefaultEBSKey.arn(account: caller.account, region: caller.region)) : nil
            let domain: EncryptionDomain =
                encrypted ? .encrypted(caller.region, account: caller.account, kmsKeyARN: kmsKeyID ?? "") : .unencrypted(caller.region)
            let entries = try await restoreBlocks(of: stored, from: object, at: &offset, into: domain)
            restored.append(RestoredSnapshot(stored: stored, newID: ids.resourceID(.snapshot), kmsKeyID: kmsKeyID, entries: entries))
        }
        try await blocks.flush()
        let imageID = ids.resourceID(.image)
        let now = clock.now
        let snapshots = restored
        return try await write(caller) { transaction in
            if let existing = try transaction.imageNamed(imageName, owner: caller.account, region: caller.region) {
                throw CloudError.duplicateImageName(imageName, existing.id)
            }
            var newSnapshots: [String: Snapshot] = [:]
            for snapshot in snapshots {
                let origin = "Restored from \(bucket)/\(objectKey) (\(snapshot.stored.id))"
                newSnapshots[snapshot.stored.id] = try snapshot.record(caller: caller, description: origin, now: now, in: transaction)
            }
            var image = Image(id: imageID, owner: caller.account, region: caller.region, name: imageName, creationDate: now)
            let source = object.header.image
            image.description = source.description
            image.takeBootAttributes(from: source)
            image.imageLocation = "\(caller.account)/\(imageName)"
            image.blockDeviceMappings = source.blockDeviceMappings
            image.replaceSnapshots(newSnapshots)
            try transaction.saveImage(image)
            for tag in tags {
                try transaction.putTag(tag, on: imageID, resourceType: "image", by: caller.account, region: caller.region)
            }
            return imageID
        }
    }

    /// An object a store task wrote, read up to its blocks: its header, and where its blocks start.
    private func storedImage(bucket: String, key: String) async throws -> StoredImageObject.Opened {
        let objectName = BundleService.objectName(bucket: bucket, key: key)
        guard let size = try await objects.size(objectName) else {
            throw CloudError.storedObjectMissing(key, bucket)
        }
        let invalid = CloudError.notAStoredImage(key, bucket)
        guard size >= 12 else { throw invalid }
        let prefix = try await objects.read(objectName, offset: 0, length: 12)
        guard Array(prefix[0..<8]) == StoredImageObject.magic else { throw invalid }
        let headerLength = Int(Self.readBigEndian(prefix, at: 8, bytes: 4))
        guard 12 + headerLength <= size,
            let header = try? JSONDecoder().decode(
                StoredImageObject.self,
                from: Data(try await objects.read(objectName, offset: 12, length: headerLength))
            )
        else { throw invalid }
        return StoredImageObject.Opened(name: objectName, size: size, header: header, blocksStart: 12 + headerLength, invalid: invalid)
    }

    /// Stores in `domain` the blocks of one snapshot of an opened object, read from `offset`
    /// on (which moves past them), and returns their entries.
    private func restoreBlocks(
        of stored: StoredImageObject.StoredSnapshot,
        from object: StoredImageObject.Opened,
        at offset: inout Int,
        into domain: EncryptionDomain
    ) async throws -> [BlockEntry] {
        var entries: [BlockEntry] = []
        for _ in 0..<stored.blockCount {
            guard offset + 8 + Block.size <= object.size else { throw object.invalid }
            let record = try await objects.read(object.name, offset: offset, length: 8 + Block.size)
            let index = Int(Self.readBigEndian(record, at: 0, bytes: 8))
            let block = Array(record[8...])
            let digest = Array(SHA256.hash(data: block))
            let id = try await blocks.put(block, sha256: digest, domain: domain)
            entries.append(BlockEntry(index: index, id: id, sha256: digest, changeDigest: ChangeDigest.of(block)))
            offset += 8 + Block.size
        }
        return entries
    }

    private static func bigEndian(_ value: UInt64, bytes: Int) -> [UInt8] {
        (0..<bytes).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64(bytes - 1 - $0))) }
    }

    private static func readBigEndian(_ bytes: [UInt8], at offset: Int, bytes count: Int) -> UInt64 {
        bytes[offset..<offset + count].reduce(0) { $0 << 8 | UInt64($1) }
    }
}
