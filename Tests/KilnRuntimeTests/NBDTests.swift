import Crypto
import Foundation
import KilnBlocks
import KilnCore
import KilnNBD
import KilnSockets
import Synchronization
import Testing

@testable import KilnRuntime
@testable import KilnTestSupport

/// An export in memory, for the protocol's tests.
final class MemoryExport: NBDExport {
    let size: UInt64
    let bytes: Mutex<[UInt8]>
    let flushes = Mutex(0)

    init(size: Int) {
        self.size = UInt64(size)
        bytes = Mutex([UInt8](repeating: 0, count: size))
    }

    func readPieces(offset: UInt64, length: Int) throws -> [ArraySlice<UInt8>] { bytes.withLock { [$0[Int(offset)..<Int(offset) + length]] } }
    func write(offset: UInt64, pieces: [[UInt8]]) throws {
        let new = Array(pieces.joined())
        bytes.withLock { $0.replaceSubrange(Int(offset)..<Int(offset) + new.count, with: new) }
    }
    func flush() throws { flushes.withLock { $0 += 1 } }
    func trim(offset: UInt64, length: Int) throws { try writeZeroes(offset: offset, length: length) }
    func writeZeroes(offset: UInt64, length: Int) throws { try write(offset: offset, bytes: [UInt8](repeating: 0, count: length)) }
}

/// Bytes a client sends, built big-endian.
struct ClientBytes {
    var bytes: [UInt8] = []
    mutating func u16(_ value: UInt16) { withUnsafeBytes(of: value.bigEndian) { bytes += $0 } }
    mutating func u32(_ value: UInt32) { withUnsafeBytes(of: value.bigEndian) { bytes += $0 } }
    mutating func u64(_ value: UInt64) { withUnsafeBytes(of: value.bigEndian) { bytes += $0 } }

    mutating func option(_ option: UInt32, _ data: [UInt8]) {
        u64(NBDProtocol.optionMagic)
        u32(option)
        u32(UInt32(data.count))
        bytes += data
    }

    mutating func go(_ name: String, info: [UInt16] = []) {
        var data = ClientBytes()
        data.u32(UInt32(name.utf8.count))
        data.bytes += Array(name.utf8)
        data.u16(UInt16(info.count))
        for item in info { data.u16(item) }
        option(NBDProtocol.Option.go, data.bytes)
    }

    mutating func request(_ command: NBDRequest.Command, handle: UInt64, offset: UInt64, length: UInt32, payload: [UInt8] = [], flags: UInt16 = 0) {
        u32(NBDProtocol.requestMagic)
        u16(flags)
        u16(command.rawValue)
        u64(handle)
        u64(offset)
        u32(length)
        bytes += payload
    }
}

func bigEndian<Integer: FixedWidthInteger>(_ bytes: [UInt8], at offset: Int, as: Integer.Type) -> Integer {
    bytes[offset..<offset + MemoryLayout<Integer>.size].reduce(0) { ($0 << 8) | Integer($1) }
}

@Suite("NBD protocol", .timeLimit(.minutes(2)))
struct NBDSessionTests {
    let exports = ["vol-1": NBDExportInfo(size: 1 << 20)]

    @Test("The greeting is NBDMAGIC, IHAVEOPT and the fixed-newstyle and no-zeroes flags")
    func greeting() {
        let greeting = NBDSession(exports: exports).greeting
        #expect(greeting.count == 18)
        #expect(bigEndian(greeting, at: 0, as: UInt64.self) == NBDProtocol.initMagic)
        #expect(bigEndian(greeting, at: 8, as: UInt64.self) == NBDProtocol.optionMagic)
        #expect(bigEndian(greeting, at: 16, as: UInt16.self) == 3)
    }

    @Test("NBD_OPT_GO answers the export's size and flags, the block sizes asked for, an ack, then requests flow")
    func goThenRequests() throws {
        var session = NBDSession(exports: exports)
        var client = ClientBytes()
        client.u32(NBDProtocol.ClientFlag.fixedNewstyle | NBDProtocol.ClientFlag.noZeroes)
        client.go("vol-1", info: [NBDProtocol.Info.blockSize])
        client.request(.write, handle: 7, offset: 512, length: 4, payload: [1, 2, 3, 4])
        client.request(.read, handle: 8, offset: 512, length: 4)
        let events = try session.feed(client.bytes)
        #expect(events.count == 6)
        guard case .send(let info) = events[0] else { Issue.record("no info reply"); return }
        #expect(bigEndian(info, at: 0, as: UInt64.self) == NBDProtocol.optionReplyMagic)
        #expect(bigEndian(info, at: 12, as: UInt32.self) == NBDProtocol.Reply.info)
        #expect(bigEndian(info, at: 20, as: UInt16.self) == NBDProtocol.Info.export)
        #expect(bigEndian(info, at: 22, as: UInt64.self) == 1 << 20)
        guard case .send(let sizes) = events[1] else { Issue.record("no block size reply"); return }
        #expect(bigEndian(sizes, at: 20, as: UInt16.self) == NBDProtocol.Info.blockSize)
        guard case .send(let ack) = events[2] else { Issue.record("no ack"); return }
        #expect(bigEndian(ack, at: 12, as: UInt32.self) == NBDProtocol.Reply.ack)
        #expect(events[3] == .selected("vol-1"))
        #expect(events[4] == .request(NBDRequest(type: 1, handle: 7, offset: 512, length: 4, payload: [1, 2, 3, 4])))
        #expect(events[5] == .request(NBDRequest(type: 0, handle: 8, offset: 512, length: 4)))
        #expect(session.isTransmitting)
    }

    @Test("Bytes fed in pieces of any size give the same events as all at once", arguments: [1, 2, 5, 31, 40])
    func splitFeeds(pieceSize: Int) throws {
        var client = ClientBytes()
        client.u32(NBDProtocol.ClientFlag.fixedNewstyle)
        client.option(NBDProtocol.Option.exportName, Array("vol-1".utf8))
        client.request(.write, handle: 1, offset: 0, length: 3, payload: [9, 9, 9])
        client.request(.write, handle: 2, offset: 8, length: 50, payload: (0..<50).map { UInt8($0) })
        client.request(.flush, handle: 3, offset: 0, length: 0)
        client.request(.disconnect, handle: 4, offset: 0, length: 0)
        var whole = NBDSession(exports: exports)
        let expected = try whole.feed(client.bytes)
        var split = NBDSession(exports: exports)
        var events: [NBDSession.Event] = []
        for start in stride(from: 0, to: client.bytes.count, by: pieceSize) {
            events += try split.feed(client.bytes[start..<min(start + pieceSize, client.bytes.count)])
        }
        #expect(events == expected)
        #expect(expected.count == 6)
        guard case .send(let reply) = expected[0] else { Issue.record("no export reply"); return }
        #expect(reply.count == 8 + 2 + 124)  // without NO_ZEROES the 124 zero bytes follow
        #expect(expected.last == .close)
    }

    @Test("A write's payload comes in pieces that end at multiples of the export's piece size, fed or received straight into them")
    func payloadPieces() throws {
        let exports = ["vol-1": NBDExportInfo(size: 1 << 20, pieceSize: 8)]
        var client = ClientBytes()
        client.u32(NBDProtocol.ClientFlag.fixedNewstyle | NBDProtocol.ClientFlag.noZeroes)
        client.option(NBDProtocol.Option.exportName, Array("vol-1".utf8))
        let header = client.bytes.count + 28
        let payload = (0..<30).map { UInt8($0) }
        client.request(.write, handle: 1, offset: 5, length: 30, payload: payload)
        var write = NBDRequest(type: 1, handle: 1, offset: 5, length: 30)
        write.payload = [[0, 1, 2], Array(3..<11), Array(11..<19), Array(19..<27), [27, 28, 29]]
        let expected = NBDSession.Event.request(write)

        var fed = NBDSession(exports: exports)
        #expect(try fed.feed(client.bytes).last == expected)

        // The header and 4 bytes through feed, the rest received a few bytes at a time.
        var received = NBDSession(exports: exports)
        _ = try received.feed(client.bytes[..<(header + 4)])
        var rest = client.bytes[(header + 4)...]
        var events: [NBDSession.Event] = []
        while received.awaitsPayload {
            let step = received.receivePayload { space in
                let count = min(space.count, 5, rest.count)
                space.copyBytes(from: rest.prefix(count))
                rest = rest.dropFirst(count)
                return count
            }
            events += try #require(step)
        }
        #expect(events == [expected])
        #expect(rest.isEmpty)
        // A connection that ends inside a payload gives nil, not a write.
        var cut = NBDSession(exports: exports)
        _ = try cut.feed(client.bytes[..<(header + 4)])
        #expect(cut.receivePayload { _ in nil } == nil)
    }

    @Test("Unknown options are refused as unsupported, unknown exports as unknown, and a bad magic ends the session")
    func refusals() throws {
        var session = NBDSession(exports: exports)
        var client = ClientBytes()
        client.u32(NBDProtocol.ClientFlag.fixedNewstyle)
        client.option(8, [])  // structured replies
        client.go("vol-2")
        let events = try session.feed(client.bytes)
        guard case .send(let unsupported) = events[0], case .send(let unknown) = events[1] else { Issue.record("no replies"); return }
        #expect(bigEndian(unsupported, at: 12, as: UInt32.self) == NBDProtocol.Reply.errorUnsupported)
        #expect(bigEndian(unknown, at: 12, as: UInt32.self) == NBDProtocol.Reply.errorUnknown)
        #expect(throws: NBDSession.Violation.self) { try session.feed([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) }
    }

    @Test("Requests are carried out on the export: writes, reads, zeroes, FUA flushes, and ranges past the end fail")
    func transmission() throws {
        let export = MemoryExport(size: 4096)
        let write = NBDTransmission.respond(
            to: NBDRequest(type: 1, flags: NBDProtocol.CommandFlag.fua, handle: 1, offset: 100, length: 3, payload: [7, 8, 9]),
            on: export
        ).bytes
        #expect(bigEndian(write, at: 4, as: UInt32.self) == 0)
        #expect(export.flushes.withLock { $0 } == 1)
        let read = NBDTransmission.respond(to: NBDRequest(type: 0, handle: 2, offset: 99, length: 5), on: export).bytes
        #expect(Array(read[16...]) == [0, 7, 8, 9, 0])
        #expect(bigEndian(read, at: 8, as: UInt64.self) == 2)
        _ = NBDTransmission.respond(to: NBDRequest(type: 6, handle: 3, offset: 100, length: 2), on: export)
        #expect(try export.read(offset: 100, length: 3) == [0, 0, 9])
        let past = NBDTransmission.respond(to: NBDRequest(type: 1, handle: 4, offset: 4095, length: 2, payload: [1, 1]), on: export).bytes
        #expect(bigEndian(past, at: 4, as: UInt32.self) == NBDProtocol.Error.noSpace)
        let unknown = NBDTransmission.respond(to: NBDRequest(type: 42, handle: 5, offset: 0, length: 0), on: export).bytes
        #expect(bigEndian(unknown, at: 4, as: UInt32.self) == NBDProtocol.Error.invalid)
    }

    @Test(
        "qemu-io writes and reads back through the server on a Unix socket",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/qemu-io"))
    )
    func qemuRoundTrip() throws {
        let export = MemoryExport(size: 8 << 20)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-nbd-\(UUID().uuidString.prefix(8)).sock").path
        let server = try NBDServer(path: path, name: "vol-test", export: export)
        defer { server.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/qemu-io")
        process.arguments = [
            "-f", "raw", "-c", "write -P 0x5a 1M 1M", "-c", "write -z 1536K 4K", "-c", "flush", "-c", "read -P 0x5a 1M 512K",
            "-c", "read -P 0 1536K 4K", "nbd+unix:///vol-test?socket=\(path)",
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        process.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(!text.contains("Pattern verification failed"), "\(text)")
        #expect(try export.read(offset: 1 << 20, length: 4) == [0x5a, 0x5a, 0x5a, 0x5a])
        #expect(try export.read(offset: 1536 << 10, length: 4) == [0, 0, 0, 0])
        #expect(export.flushes.withLock { $0 } >= 1)
    }
}

@Suite("Gathered sends", .timeLimit(.minutes(1)))
struct GatheredSendTests {
    @Test("A reply's header and pieces reach the peer whole and in order, however many sends the socket takes")
    func piecesArriveInOrder() throws {
        var ends: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &ends) == 0)
        let sender = UnixSocketConnection(descriptor: ends[0])
        let receiver = UnixSocketConnection(descriptor: ends[1])
        defer {
            close(ends[0])
            close(ends[1])
        }
        let large = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 % 251) }
        let head: [UInt8] = [1, 2, 3]
        let pieces: [ArraySlice<UInt8>] = [large[100..<1_500_000], [], [7, 8, 9][...], large[1_500_000...]]
        let received = Mutex<[UInt8]>([])
        let finished = DispatchSemaphore(value: 0)
        let reader = Thread {
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while let count = receiver.receive(into: &buffer) { received.withLock { $0 += buffer[0..<count] } }
            finished.signal()
        }
        reader.start()
        #expect(sender.send(head, pieces))
        sender.finishSending()
        finished.wait()
        #expect(received.withLock { $0 } == head + pieces.joined())
    }

    @Test("A send cut short resumes where it ended: past the vectors it sent whole, inside the next")
    func resumeAfterPartialSend() {
        var bytes = [UInt8](repeating: 0, count: 10)
        bytes.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return }
            let original = [(0, 3), (3, 0), (3, 4), (7, 3)].map { iovec(iov_base: base + $0.0, iov_len: $0.1) }
            func remaining(after sent: Int) -> [[Int]] {
                var vectors = original[...]
                UnixSocketConnection.advance(&vectors, by: sent)
                return vectors.map { [$0.iov_base.map { $0 - base } ?? -1, $0.iov_len] }
            }
            #expect(remaining(after: 2) == [[2, 1], [3, 0], [3, 4], [7, 3]])
            #expect(remaining(after: 3) == [[3, 4], [7, 3]])
            #expect(remaining(after: 5) == [[5, 2], [7, 3]])
            #expect(remaining(after: 7) == [[7, 3]])
            #expect(remaining(after: 10) == [])
        }
    }
}

/// A fresh cloud with one 1 GiB volume, served as a disk without a journal.
struct ServedVolume {
    let cloud: Cloud
    let clock: ManualClock
    let caller: Caller
    let device: Volume
    let export: VolumeExport

    init() async throws {
        (cloud, clock) = try makeTestCloud()
        caller = testCaller()
        let (volume, _) = try await cloud.volumes.createVolume(caller, VolumeRequest(availabilityZone: "us-east-1a", size: 1))
        device = try await cloud.volumes.deviceVolume(volume.id)
        export = VolumeExport(volume: device, volumes: cloud.volumes)
    }

    /// `length` bytes of the volume from `offset`, as its blocks store them.
    func stored(offset: Int, length: Int) async throws -> [UInt8] {
        try await cloud.volumes.readVolume(caller, volumeID: device.id, offset: offset, length: length)
    }
}

@Suite("Volumes as disks", .timeLimit(.minutes(2)))
struct VolumeExportTests {
    @Test("A volume's export keeps writes in its cache until a flush, which makes them the volume's bytes")
    func writeBackOnFlush() async throws {
        let served = try await ServedVolume()
        let export = served.export
        let payload = Array("written by a guest".utf8)
        let cached = try await Blocking.offPool {
            try export.write(offset: 1_000_000, bytes: payload)
            return try export.read(offset: 1_000_000, length: payload.count)
        }
        #expect(cached == payload)
        #expect(
            try await served.stored(offset: 1_000_000, length: payload.count)
                == [UInt8](repeating: 0, count: payload.count)
        )
        try await Blocking.offPool { try export.flush() }
        #expect(try await served.stored(offset: 1_000_000, length: payload.count) == payload)
    }

    @Test("A payload's block-sized pieces become cached blocks as they are, with no copy")
    func piecesKeptWhole() async throws {
        let served = try await ServedVolume()
        let export = served.export
        let pieces = [[UInt8](repeating: 1, count: Block.size), [UInt8](repeating: 2, count: Block.size)]
        let kept = try await Blocking.offPool { () -> [Bool] in
            try export.write(offset: 0, pieces: pieces)
            let read = try export.readPieces(offset: 0, length: 2 * Block.size)
            return zip(read, pieces).map { read, piece in
                read.withUnsafeBufferPointer { $0.baseAddress } == piece.withUnsafeBufferPointer { $0.baseAddress }
            }
        }
        #expect(kept == [true, true])
        try await Blocking.offPool { try export.flush() }
        #expect(try await served.stored(offset: Block.size - 1, length: 2) == [1, 2])
    }

    @Test("Blocks written to their end are encoded ahead of the flush, and a block written again before it is stored as last written")
    func encodingAhead() async throws {
        let served = try await ServedVolume()
        let export = served.export
        let ahead = try await Blocking.offPool { () -> [Int] in
            try export.write(offset: 0, bytes: [UInt8](repeating: 0x11, count: Block.size))
            try export.write(offset: UInt64(Block.size), bytes: [UInt8](repeating: 0x22, count: Block.size / 2))
            try export.write(offset: UInt64(Block.size + Block.size / 2), bytes: [UInt8](repeating: 0x33, count: Block.size / 2))
            try export.write(offset: UInt64(2 * Block.size), bytes: [UInt8](repeating: 0x44, count: 4096))
            try export.write(offset: UInt64(3 * Block.size), bytes: [UInt8](repeating: 0x77, count: Block.size - 8))
            try export.write(offset: UInt64(4 * Block.size) - 8, bytes: [UInt8](repeating: 0x88, count: 8))
            let ahead = export.blocksEncodingAhead
            // Written again after their encodings started: a byte of block 0, all of block 1.
            try export.write(offset: 5, bytes: [0x55])
            try export.write(offset: UInt64(Block.size), bytes: [UInt8](repeating: 0x66, count: Block.size))
            try export.flush()
            return ahead
        }
        #expect(ahead == [0, 1, 3])
        #expect(export.blocksEncodingAhead.isEmpty)
        let first = try await served.stored(offset: 0, length: 8)
        #expect(first == [0x11, 0x11, 0x11, 0x11, 0x11, 0x55, 0x11, 0x11])
        let second = try await served.stored(offset: Block.size, length: Block.size)
        #expect(second == [UInt8](repeating: 0x66, count: Block.size))
        let third = try await served.stored(offset: 2 * Block.size, length: 4097)
        #expect(third == [UInt8](repeating: 0x44, count: 4096) + [0])
        let fourth = try await served.stored(offset: 4 * Block.size - 10, length: 10)
        #expect(fourth == [0x77, 0x77] + [UInt8](repeating: 0x88, count: 8))
    }

    @Test("Blocks encoded ahead are committed in the background before any flush, and a block written again meanwhile is stored as last written")
    func destaging() async throws {
        let served = try await ServedVolume()
        let export = served.export
        let count = VolumeExport.destageBatch + 2
        try await Blocking.offPool {
            for index in 0..<count {
                try export.write(offset: UInt64(index * Block.size), bytes: [UInt8](repeating: UInt8(index + 1), count: Block.size))
            }
        }
        // No flush yet: the destage commits the first blocks on its own.
        var committed: [UInt8] = []
        for _ in 0..<200 where committed != [1] {
            committed = try await served.stored(offset: 0, length: 1)
            if committed != [1] { try await Task.sleep(for: .milliseconds(25)) }
        }
        #expect(committed == [1])
        try await Blocking.offPool {
            try export.write(offset: 5, bytes: [0xEE])
            try export.flush()
        }
        #expect(try await served.stored(offset: 0, length: 8) == [1, 1, 1, 1, 1, 0xEE, 1, 1])
        for index in [5, count - 1] {
            let head = try await served.stored(offset: index * Block.size, length: 8)
            #expect(head == [UInt8](repeating: UInt8(index + 1), count: 8))
        }
    }

    @Test("A block encoded ahead long before its flush is stored again, so garbage collection meanwhile loses nothing")
    func staleEncodingAhead() async throws {
        let served = try await ServedVolume()
        let export = served.export
        let content = [UInt8](repeating: 0x5A, count: Block.size)
        try await Blocking.offPool { try export.write(offset: 0, bytes: content) }
        let id = BlockID(Array(SHA256.hash(data: content)))
        for _ in 0..<200 where !(try await served.cloud.blocks.contains(id, domain: served.device.domain)) {
            try await Task.sleep(for: .milliseconds(10))
        }
        try await served.cloud.blocks.flush()
        // Nothing references the block yet: ten minutes on, garbage collection takes it.
        served.clock.advance(by: 700)
        let store = try #require(served.cloud.blocks as? PackedBlockStore)
        #expect(try await store.collectGarbage(alsoLive: []).blocksRemoved == 1)
        try await Blocking.offPool { try export.flush() }
        #expect(try await served.stored(offset: 0, length: Block.size) == content)
    }

    @Test("Small writes to blocks the cache lacks land on the stored bytes, and reads ahead never return what a write replaced")
    func patchesAndReadAhead() async throws {
        let served = try await ServedVolume()
        // Twelve stored blocks, each filled with its own number.
        let stored = (0..<12).flatMap { [UInt8](repeating: UInt8($0 + 1), count: Block.size) }
        try await Blocking.offPool {
            try served.export.write(offset: 0, bytes: stored)
            try served.export.flush()
        }
        let export = VolumeExport(volume: served.device, volumes: served.cloud.volumes)
        let reads = try await Blocking.offPool { () -> [[UInt8]] in
            // Patches on a block not yet fetched, one of them across a block boundary.
            try export.write(offset: 10, bytes: [0xAA, 0xAA])
            try export.write(offset: UInt64(Block.size) - 1, bytes: [0xBB, 0xBB])
            try export.write(offset: 11, bytes: [0xCC])
            // A sequential read starts fetching blocks 2 to 9; writes then replace parts of them.
            _ = try export.read(offset: UInt64(Block.size), length: Block.size)
            _ = try export.read(offset: UInt64(2 * Block.size), length: 4096)
            try export.write(offset: UInt64(3 * Block.size), bytes: [UInt8](repeating: 0xDD, count: Block.size))
            try export.write(offset: UInt64(4 * Block.size) + 7, bytes: [0xEE])
            return [
                try export.read(offset: 8, length: 6), try export.read(offset: UInt64(Block.size) - 2, length: 4),
                try export.read(offset: UInt64(3 * Block.size), length: 2), try export.read(offset: UInt64(4 * Block.size) + 6, length: 3),
            ]
        }
        #expect(reads[0] == [1, 1, 0xAA, 0xCC, 1, 1])
        #expect(reads[1] == [1, 0xBB, 0xBB, 2])
        #expect(reads[2] == [0xDD, 0xDD])
        #expect(reads[3] == [5, 0xEE, 5])
        try await Blocking.offPool {
            try export.write(offset: UInt64(6 * Block.size) + 3, bytes: [0xFF])
            try export.flush()
        }
        let after = try await served.stored(offset: 6 * Block.size, length: 5)
        #expect(after == [7, 7, 7, 0xFF, 7])
        let first = try await served.stored(offset: 8, length: 6)
        #expect(first == [1, 1, 0xAA, 0xCC, 1, 1])
    }
}
