import Crypto
import Foundation
import KilnCore

/// The blocks of one import on their way into a snapshot: read from the file, skipped when
/// zero or unchanged from the parent, and put with PutSnapshotBlock from several tasks at once.
struct BlockUpload: Sendable {
    let snapshotID: String
    let descriptor: Int32
    /// The file's size in bytes.
    let size: Int
    /// The blocks the snapshot spans, for the progress each block reports.
    let blockCount: Int
    /// The parent's blocks by index.
    let known: [Int: ParentBlock]
    let progress: ProgressBar
    let kiln: KilnClient

    /// Puts each of `candidates` that holds new data, from `concurrency` tasks; returns the
    /// SHA-256 of each block put, by index.
    func putChangedBlocks(_ candidates: [Int], concurrency: Int) async throws -> [Int: [UInt8]] {
        let next = IndexDispenser()
        let digests = Locked<[Int: [UInt8]]>([:])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var buffer = [UInt8](repeating: 0, count: BlockFile.blockSize)
                    while true {
                        let position = next.take()
                        guard position < candidates.count else { return }
                        let index = candidates[position]
                        try BlockFile.readBlock(descriptor, index: index, size: size, into: &buffer)
                        defer { progress.advance(by: max(0, min(BlockFile.blockSize, size - index * BlockFile.blockSize))) }
                        if let digest = try await putIfChanged(buffer, at: index) {
                            digests.withLock { $0[index] = digest }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        return digests.withLock { $0 }
    }

    /// Puts the block at `index` unless it is zero where the parent has nothing, or the same
    /// as the parent's; returns its SHA-256 when it was put.
    private func putIfChanged(_ buffer: [UInt8], at index: Int) async throws -> [UInt8]? {
        // Zero blocks are skipped, unless the parent has data there to clear.
        if Block.isZero(buffer), known[index] == nil { return nil }
        // Unchanged blocks are found by the fast digest where the parent has one (see
        // ChangeDigest), by SHA-256 where it has not.
        if let parentXXH3 = known[index]?.xxh3, ChangeDigest.of(buffer) == parentXXH3 { return nil }
        let digest = Array(SHA256.hash(data: buffer))
        if known[index]?.xxh3 == nil, known[index]?.sha256 == Data(digest).base64EncodedString() { return nil }
        let answer = try await kiln.send(
            "PUT",
            path: "/snapshots/\(snapshotID)/blocks/\(index)",
            headers: [
                "x-amz-Data-Length": String(BlockFile.blockSize), "x-amz-Checksum": Data(digest).base64EncodedString(),
                "x-amz-Checksum-Algorithm": "SHA256", "x-amz-Progress": String(index * 100 / blockCount),
                "Content-Type": "application/octet-stream",
            ],
            body: buffer,
            service: "ebs",
            signPayload: false
        )
        try KilnClient.check(answer)
        return digest
    }
}
