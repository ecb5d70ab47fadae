import Foundation
import KilnBlocks
import KilnCore
import KilnStore

/// `kiln backup`: a consistent copy of a running server's data directory.
///
/// The metadata is copied with SQLite's online backup, as it stood at one moment; the pack
/// files and objects are copied after it, with garbage collection held off, so every pack the
/// copied index names is there (packs are never changed once written; packs written after the
/// moment are copied too, and a later gc of the copy removes them). The master key keeps mode 0600.
package struct DataDirectoryBackup: Sendable {
    /// The data directory being served.
    let dataDirectory: URL
    let store: SQLiteMetadataStore
    let blocks: PackedBlockStore

    /// What was copied.
    package struct Report: Codable, Sendable {
        package var directory: String
        package var files = 0
        package var bytes = 0
    }

    /// Copies the data directory into `destination`, a new or empty directory.
    package func copy(to destination: String) async throws -> Report {
        guard destination.hasPrefix("/") else { throw CloudError.backupDestinationMissing }
        let target = URL(fileURLWithPath: destination, isDirectory: true)
        let manager = FileManager.default
        if let existing = try? manager.contentsOfDirectory(atPath: target.path), !existing.isEmpty {
            throw CloudError.backupDestinationInUse(destination)
        }
        try manager.createDirectory(at: target, withIntermediateDirectories: true)
        var report = Report(directory: target.path)
        try copyMasterKey(to: target, report: &report)
        try await blocks.withPacksSettled {
            try store.backup(to: target.appendingPathComponent("kiln.sqlite").path)
            report.files += 1
            for folder in ["blocks", "objects"] {
                try copyTree(dataDirectory.appendingPathComponent(folder), to: target.appendingPathComponent(folder), report: &report)
            }
        }
        return report
    }

    private func copyMasterKey(to target: URL, report: inout Report) throws {
        let key = try Data(contentsOf: dataDirectory.appendingPathComponent("master.key"))
        let path = target.appendingPathComponent("master.key").path
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown)
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.write(contentsOf: key)
        try handle.synchronize()
        try handle.close()
        report.files += 1
        report.bytes += key.count
    }

    /// Copies every file under `source` but writes in progress (`.tmp-` files); a file removed
    /// while the copy runs (an object deleted, a merged pack) is skipped.
    private func copyTree(_ source: URL, to target: URL, report: inout Report) throws {
        let manager = FileManager.default
        try manager.createDirectory(at: target, withIntermediateDirectories: true)
        guard let names = try? manager.contentsOfDirectory(atPath: source.path) else { return }
        for name in names.sorted() where !name.contains(".tmp-") {
            let from = source.appendingPathComponent(name)
            let to = target.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: from.path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                try copyTree(from, to: to, report: &report)
                continue
            }
            do {
                try manager.copyItem(at: from, to: to)
            } catch  where !manager.fileExists(atPath: from.path) {
                continue
            }
            report.files += 1
            report.bytes += (try? manager.attributesOfItem(atPath: to.path)[.size] as? Int) ?? 0
        }
    }
}
