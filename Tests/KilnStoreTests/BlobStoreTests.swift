import Foundation
import KilnCore
import KilnStore
import Testing

@testable import KilnTestSupport

@Suite("Local blob store", .timeLimit(.minutes(2)))
struct BlobStoreTests {
    /// Sizes around the edges of direct I/O: empty, under, at and over one 4 KiB block, and
    /// around the 4 MiB staging buffer.
    static let sizes = [0, 1, 4095, 4096, 4097, 524_288 + 48, (4 << 20) - 1, 4 << 20, (4 << 20) + 1, (9 << 20) + 4097]

    /// Folders to try: the temporary directory (a disk file system, which takes direct I/O)
    /// and, where there is one, /dev/shm (tmpfs: kernels before 6.6 refuse direct I/O there,
    /// and the store falls back to the page cache).
    static var roots: [URL] {
        var roots = [FileManager.default.temporaryDirectory]
        if FileManager.default.isWritableFile(atPath: "/dev/shm") { roots.append(URL(fileURLWithPath: "/dev/shm")) }
        return roots
    }

    static func pattern(_ count: Int, seed: Int) -> [UInt8] {
        var generator = SplitMix(seed: UInt64(seed))
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeMutableBytes { raw in
            for word in 0..<count / 8 { raw.storeBytes(of: generator.next(), toByteOffset: word * 8, as: UInt64.self) }
            for index in (count / 8 * 8)..<count { raw[index] = UInt8(truncatingIfNeeded: generator.next()) }
        }
        return bytes
    }

    @Test("An object written whole reads back byte for byte, at every size", arguments: roots)
    func wholeWrites(root: URL) async throws {
        let folder = root.appendingPathComponent("kiln-blobs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try LocalBlobStore(root: folder)
        for (number, size) in Self.sizes.enumerated() {
            let bytes = Self.pattern(size, seed: number)
            try await store.write("packs/a/\(number).pack", bytes)
            #expect(try await store.size("packs/a/\(number).pack") == size)
            #expect(try await store.read("packs/a/\(number).pack", offset: 0, length: size) == bytes)
            if size > 10 {
                #expect(try await store.read("packs/a/\(number).pack", offset: size - 7, length: 7) == Array(bytes[(size - 7)...]))
            }
        }
        #expect(try await store.list(prefix: "packs/").count == Self.sizes.count)
    }

    @Test("An object streamed in uneven pieces reads back byte for byte", arguments: roots)
    func streamedWrites(root: URL) async throws {
        let folder = root.appendingPathComponent("kiln-blobs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try LocalBlobStore(root: folder)
        let pieces = [3, 4093, 1 << 20, 5 << 20, 17, 0, 4096, 2_000_001].enumerated().map { Self.pattern($0.element, seed: 100 + $0.offset) }
        try await store.write("streamed") { sink in
            for piece in pieces { try await sink.write(piece) }
        }
        let expected = pieces.flatMap { $0 }
        #expect(try await store.size("streamed") == expected.count)
        #expect(try await store.read("streamed", offset: 0, length: expected.count) == expected)
    }

    @Test("A failed streamed write leaves no object and no temporary file")
    func failedWrite() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-blobs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try LocalBlobStore(root: folder)
        struct Interrupted: Error {}
        await #expect(throws: Interrupted.self) {
            try await store.write("half") { sink in
                try await sink.write(Self.pattern(5 << 20, seed: 7))
                throw Interrupted()
            }
        }
        #expect(try await store.size("half") == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }
}
