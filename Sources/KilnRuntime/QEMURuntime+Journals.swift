import Foundation
import KilnCore
import Logging

/// The volume journals of served disks: settled before snapshots read the volumes, and
/// replayed when an earlier Kiln left some behind.
extension QEMURuntime {
    package func settleVolumes(_ volumeIDs: [String]) async throws {
        guard settings.journalsSmallWrites, let context else { return }
        for volumeID in volumeIDs {
            if let export = machines.values.lazy.compactMap({ $0.exports[volumeID] }).first {
                try await Blocking.offPool { try export.checkpoint() }
            } else {
                let path = VolumeExport.journalPath(in: settings.journalDirectory, volumeID: volumeID)
                guard FileManager.default.fileExists(atPath: path) else { continue }
                try await VolumeExport.replayJournal(at: path, volumeID: volumeID, volumes: context.volumes)
            }
        }
    }

    /// Stores what the journals of disks no machine serves hold: those an earlier Kiln, killed
    /// while its machines ran, left behind.
    func replayLeftJournals(context: CloudContext) async {
        let directory = settings.journalDirectory
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let served = Set(machines.values.flatMap(\.exports.keys))
        for name in names where name.hasSuffix(".journal") {
            let volumeID = String(name.dropLast(".journal".count))
            guard !served.contains(volumeID) else { continue }
            do {
                try await VolumeExport.replayJournal(at: directory.appendingPathComponent(name).path, volumeID: volumeID, volumes: context.volumes)
                logger.info("volume journal replayed", metadata: ["volume": .string(volumeID)])
            } catch {
                logger.error("replaying a volume journal failed", metadata: ["volume": .string(volumeID), "error": .string("\(error)")])
            }
        }
    }
}
