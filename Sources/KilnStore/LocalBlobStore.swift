import Foundation
import KilnCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The default ``BlobStore``: one file per object under a root folder.
///
/// A write goes to a temporary file that is synced, renamed into place and whose folder is
/// then synced, so an object is either wholly there or not at all, even after a power cut.
package struct LocalBlobStore: BlobStore {
    /// The root folder.
    package let root: URL

    /// A store under `root`, created if needed. Temporary files a crash left behind are removed:
    /// no write is in progress while the store opens.
    package init(root: URL) throws {
        self.root = root
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        if let enumerator = FileManager.default.enumerator(atPath: root.path) {
            while let relative = enumerator.nextObject() as? String {
                if relative.contains(".tmp-") {
                    try? FileManager.default.removeItem(atPath: root.appendingPathComponent(relative).path)
                }
            }
        }
    }

    private func path(_ name: String) -> String { root.appendingPathComponent(name).path }

    /// Writes the object as one piece (see ``write(_:pieces:)``).
    package func write(_ name: String, _ bytes: [UInt8]) async throws {
        try await write(name, pieces: [bytes])
    }

    /// Writes the object in one trip to the write queue: create, write the pieces one after
    /// another (with no copy of them joined first), sync, rename.
    package func write(_ name: String, pieces: [[UInt8]]) async throws {
        let target = path(name)
        try await Self.io {
            let writer = try Self.create(target)
            do {
                for piece in pieces { try piece.withUnsafeBytes { try writer.append($0) } }
                try Self.commit(writer, to: target)
            } catch {
                Self.abandon(writer)
                throw error
            }
        }
    }

    /// Writes the pieces `produce` hands over as they come; the same steps as ``write(_:_:)``,
    /// one trip to the write queue for each.
    package func write(_ name: String, streaming produce: @Sendable (BlobSink) async throws -> Void) async throws {
        let target = path(name)
        let writer = try await Self.io { try Self.create(target) }
        do {
            try await produce(BlobSink { bytes in try await Self.io { try bytes.withUnsafeBytes { try writer.append($0) } } })
            try await Self.io { try Self.commit(writer, to: target) }
        } catch {
            Self.abandon(writer)
            throw error
        }
    }

    /// Opens a new temporary file beside `target`, creating its folder if needed. The file is
    /// written with direct I/O where the file system allows it (``DirectFileWriter``).
    private static func create(_ target: String) throws -> DirectFileWriter {
        let folder = (target as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return try DirectFileWriter(creating: target + ".tmp-\(UInt64.random(in: 0...UInt64.max))")
    }

    /// Makes a written temporary file the object: its last bytes written, synced, renamed into
    /// place, and the folder synced, so that the rename survives a power cut.
    private static func commit(_ writer: DirectFileWriter, to target: String) throws {
        try writer.finish()
        guard fsync(writer.descriptor) == 0 else { throw failure("fsync", writer.path) }
        writer.close()
        guard rename(writer.path, target) == 0 else { throw failure("rename", target) }
        let folderDescriptor = open((target as NSString).deletingLastPathComponent, O_RDONLY)
        if folderDescriptor >= 0 {
            fsync(folderDescriptor)
            close(folderDescriptor)
        }
    }

    /// Removes a temporary file whose write failed.
    private static func abandon(_ writer: DirectFileWriter) {
        writer.close()
        unlink(writer.path)
    }

    /// The queue that writes and syncs files.
    ///
    /// Swift's cooperative pool has one thread per core, and on a small machine a pack's
    /// `fsync` there stalls a good share of the threads that hash and compress the next
    /// blocks. A dispatch queue of its own gets a thread of its own. Writes are serial: the
    /// disk is one device, and each object is written by one task at a time anyway.
    private static let writeQueue = DispatchQueue(label: "kiln.blobs.write")

    /// The queue that reads files: concurrent, so that several reads are on their way to the
    /// disk at once, and off the cooperative pool, whose threads a read from the disk (packs
    /// are written with direct I/O, so not in the page cache) would otherwise stall.
    private static let readQueue = DispatchQueue(label: "kiln.blobs.read", attributes: .concurrent)

    /// Runs `body` on `queue` (``writeQueue`` unless told) and waits for it without holding a
    /// cooperative thread.
    private static func io<T: Sendable>(on queue: DispatchQueue = writeQueue, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result(catching: body)) }
        }
    }

    package func read(_ name: String, offset: Int, length: Int) async throws -> [UInt8] {
        let file = path(name)
        return try await Self.io(on: Self.readQueue) {
            let descriptor = open(file, O_RDONLY)
            guard descriptor >= 0 else { throw Self.failure("open", file) }
            defer { close(descriptor) }
            // Read straight into uninitialised memory: the bytes are all overwritten or the read fails.
            return try [UInt8](unsafeUninitializedCapacity: length) { buffer, count in
                var done = 0
                while done < length {
                    let result = pread(descriptor, buffer.baseAddress.map { $0 + done }, length - done, off_t(offset + done))
                    if result < 0, errno == EINTR { continue }
                    guard result > 0 else { throw Self.failure("read", file) }
                    done += result
                }
                count = length
            }
        }
    }

    package func size(_ name: String) async throws -> Int? {
        var info = stat()
        guard stat(path(name), &info) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw Self.failure("stat", path(name))
        }
        return (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : nil
    }

    package func delete(_ name: String) async throws {
        let file = path(name)
        if unlink(file) != 0, errno != ENOENT { throw Self.failure("delete", file) }
    }

    package func list(prefix: String) async throws -> [String] {
        let base = root.path
        guard let enumerator = FileManager.default.enumerator(atPath: base) else { return [] }
        var names: [String] = []
        while let relative = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if relative.hasPrefix(prefix), !relative.contains(".tmp-"),
                FileManager.default.fileExists(atPath: "\(base)/\(relative)", isDirectory: &isDirectory), !isDirectory.boolValue
            {
                names.append(relative)
            }
        }
        return names.sorted()
    }

    /// The error for a failed system call, from `errno`: a full disk (or quota) is the client's
    /// to see, as a retryable AWS-style error that names the cause; the rest are internal.
    static func failure(_ action: String, _ path: String) -> any Error {
        let code = errno
        let reason = String(cString: strerror(code))
        if code == ENOSPC || code == EDQUOT { return CloudError.storageFull(reason) }
        return BlobStoreFailure(description: "cannot \(action) \(path): \(reason)")
    }
}

/// An I/O failure of a blob store.
package struct BlobStoreFailure: Error, CustomStringConvertible {
    package var description: String
}

/// A ``BlobStore`` in memory, for tests.
package actor MemoryBlobStore: BlobStore {
    private var objects: [String: [UInt8]] = [:]

    /// An empty store.
    package init() {}

    package func write(_ name: String, _ bytes: [UInt8]) async throws { objects[name] = bytes }

    package func write(_ name: String, streaming produce: @Sendable (BlobSink) async throws -> Void) async throws {
        let collected = Collected()
        try await produce(BlobSink { bytes in await collected.append(bytes) })
        objects[name] = await collected.bytes
    }

    /// The pieces of a streamed write, gathered.
    private actor Collected {
        var bytes: [UInt8] = []
        func append(_ more: [UInt8]) { bytes += more }
    }

    package func read(_ name: String, offset: Int, length: Int) async throws -> [UInt8] {
        guard let object = objects[name], offset + length <= object.count else {
            throw BlobStoreFailure(description: "no object \(name) with \(offset + length) bytes")
        }
        return Array(object[offset..<offset + length])
    }

    package func size(_ name: String) async throws -> Int? { objects[name]?.count }

    package func delete(_ name: String) async throws { objects[name] = nil }

    package func list(prefix: String) async throws -> [String] { objects.keys.filter { $0.hasPrefix(prefix) }.sorted() }

    /// Damages one byte of an object, for tests of verification.
    package func corrupt(_ name: String, at offset: Int) {
        objects[name]?[offset] ^= 0xFF
    }
}
