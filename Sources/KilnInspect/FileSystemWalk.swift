/// Every file and directory of an ext file system, depth first from the root, each once.
package struct FileSystemWalk: Sendable {
    /// What was found.
    package var files: [FileRecord] = []
    /// Directories that could not be read, with the reason.
    package var problems: [String] = []

    /// The most entries a walk records, so that a damaged or hostile image cannot exhaust memory.
    static let maximumEntries = 4_000_000

    /// Walks `fileSystem`.
    package static func walk(_ fileSystem: Ext4FileSystem) async throws -> FileSystemWalk {
        var walk = FileSystemWalk()
        var visited: Set<Int> = [Ext4FileSystem.rootInode]
        let root = try await fileSystem.inode(Ext4FileSystem.rootInode)
        var pending: [(String, Ext4Inode)] = [("", root)]
        let blockSize = fileSystem.superblock.blockSize
        while let next = pending.popLast() {
            let (path, directory) = next
            let entries: [Ext4DirectoryEntry]
            do {
                entries = try await fileSystem.entries(of: directory)
            } catch {
                walk.problems.append("\(path.isEmpty ? "/" : path): \(error)")
                continue
            }
            for entry in entries where walk.files.count < maximumEntries {
                let childPath = path + "/" + entry.name
                guard let inode = try? await fileSystem.inode(entry.inode) else {
                    walk.problems.append("\(childPath): unreadable inode \(entry.inode)")
                    continue
                }
                walk.files.append(FileRecord(path: childPath, inode: inode, allocatedBytes: inode.allocatedBlocks * blockSize))
                if inode.kind == .directory, visited.insert(entry.inode).inserted {
                    pending.append((childPath, inode))
                }
            }
        }
        walk.files.sort { $0.path < $1.path }
        return walk
    }
}
