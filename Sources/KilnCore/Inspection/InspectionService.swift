import Foundation
import KilnInspect

/// Reading an image's volumes without booting them: their partitions and file systems, what
/// they hold that should not ship (secrets, the build machine's state, caches and logs), and
/// how their blocks are stored and shared.
package struct InspectionService: CloudService {
    package let context: CloudContext
}

/// One volume to inspect: the snapshot and the device it backs.
struct InspectionTarget: Sendable {
    var deviceName: String?
    var snapshot: Snapshot
}

extension InspectionService {
    /// How many blocks the full pass reads at once.
    static let readConcurrency = 4
    /// The page size non-zero bytes are counted in.
    static let pageSize = 4096

    /// Inspects an image the caller owns (every EBS volume of it) or a snapshot it owns.
    package func inspect(_ caller: Caller, id: String) async throws -> ImageInspection {
        let started = ContinuousClock.now
        let (name, targets) = try await read(caller) { transaction in try Self.targets(of: id, caller: caller, context: context, in: transaction) }
        var volumes: [VolumeInspection] = []
        var bytesRead = 0
        for target in targets {
            let (volume, read) = try await inspectVolume(target, inspected: id, caller: caller)
            volumes.append(volume)
            bytesRead += read
        }
        let elapsed = started.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let findings = volumes.flatMap(\.findings)
        return ImageInspection(
            id: id,
            name: name,
            volumes: volumes,
            highestSeverity: findings.map(\.severity).max(),
            counts: Dictionary(grouping: findings, by: \.severity.rawValue).mapValues(\.count),
            reclaimableBytes: volumes.flatMap(\.layout.fileSystems).reduce(0) { $0 + $1.reclaimableBytes },
            scanSeconds: seconds,
            scanBytesPerSecond: Double(bytesRead) / max(seconds, 1e-6)
        )
    }

    /// The image's name and its EBS volumes' snapshots, or the snapshot alone.
    static func targets(of id: String, caller: Caller, context: CloudContext, in transaction: any MetadataTransaction) throws
        -> (String?, [InspectionTarget])
    {
        if ResourcePrefix.snapshot.matches(id) {
            let snapshot = try transaction.ownSnapshot(id, caller: caller)
            guard snapshot.state == .completed else { throw CloudError.snapshotNotCompleted(id) }
            return (nil, [InspectionTarget(deviceName: nil, snapshot: snapshot)])
        }
        guard ResourcePrefix.image.matches(id) else { throw CloudError.notInspectable(id) }
        let image = try context.images.ownedImage(id, caller: caller, in: transaction)
        var targets: [InspectionTarget] = []
        for mapping in image.blockDeviceMappings {
            guard let snapshotID = mapping.ebs?.snapshotID, let snapshot = try transaction.fetch(Snapshot.self, id: snapshotID),
                snapshot.state == .completed
            else { continue }
            targets.append(InspectionTarget(deviceName: mapping.deviceName, snapshot: snapshot))
        }
        guard !targets.isEmpty else { throw CloudError.imageHasNoVolumes(id) }
        return (image.name, targets)
    }

    /// Reads one volume: its layout and findings, then every block once for the sizes.
    private func inspectVolume(_ target: InspectionTarget, inspected: String, caller: Caller) async throws -> (VolumeInspection, Int) {
        let snapshot = target.snapshot
        let facts = try await store.read { transaction in
            try Self.storedFacts(of: snapshot, inspected: inspected, caller: caller, in: transaction)
        }
        let image = ResourcePrefix.image.matches(inspected) ? inspected : nil
        let bytes = SnapshotBytes(
            snapshotID: snapshot.id,
            imageID: image,
            entries: facts.entries,
            volumeSize: snapshot.volumeSize,
            domain: snapshot.domain,
            blocks: blocks
        )
        let layout = try await DiskInspection.inspect(bytes)
        let pass = try await fullPass(facts.entries, of: snapshot, image: image, unreadable: layout.unreadable)
        let volume = VolumeInspection(
            deviceName: target.deviceName,
            snapshotId: snapshot.id,
            logicalBytes: Int64(snapshot.volumeSize) << 30,
            mappedBytes: Int64(facts.entries.count) * Int64(Block.size),
            nonZeroBytes: pass.nonZeroBytes,
            compressedBytes: facts.storedBytes,
            sharing: facts.sharing,
            layout: layout,
            rawFindings: pass.findings
        )
        return (volume, facts.entries.count * Block.size)
    }
}
