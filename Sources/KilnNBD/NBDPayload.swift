/// A write's payload while it arrives, in pieces that end where the disk's offset is a multiple
/// of a piece size, filled in order.
///
/// The pieces are allocated whole when the write's header arrives, and the bytes are then
/// received straight into them (``fill(using:)``), so a large write reaches its export with
/// one copy, the kernel's. An export that keeps whole blocks of the piece size takes each
/// full piece as a block, with no copy at all.
///
/// Invariant: a piece's bytes not yet filled are undefined; the payload leaves the session
/// only once ``isComplete``.
struct NBDPayload: Sendable {
    /// The pieces, in order; their lengths add up to the write's length.
    private(set) var pieces: [[UInt8]]
    /// The piece being filled, and how many of its bytes have arrived.
    private var current = (index: 0, filled: 0)

    /// The payload of a write of `length` bytes at `offset`, split where the offset is a
    /// multiple of `pieceSize`.
    init(offset: UInt64, length: Int, pieceSize: Int) {
        var lengths: [Int] = []
        var position = offset
        var left = length
        while left > 0 {
            let take = min(left, pieceSize - Int(position % UInt64(pieceSize)))
            lengths.append(take)
            position += UInt64(take)
            left -= take
        }
        pieces = lengths.map { count in [UInt8](unsafeUninitializedCapacity: count) { _, initialized in initialized = count } }
    }

    /// Whether every byte has arrived.
    var isComplete: Bool { current.index == pieces.count }

    /// Copies the first of `bytes` into the payload, up to what it misses; returns how many it took.
    mutating func append(_ bytes: some Collection<UInt8>) -> Int {
        var rest = bytes[...]
        while !rest.isEmpty, !isComplete {
            let taken = fill { space in
                let count = min(space.count, rest.count)
                let piece = rest.prefix(count)
                let copied = piece.withContiguousStorageIfAvailable { space.copyMemory(from: UnsafeRawBufferPointer($0)) }
                if copied == nil { _ = space.initializeMemory(as: UInt8.self, from: piece) }
                return count
            }
            rest = rest.dropFirst(taken ?? 0)
        }
        return bytes.count - rest.count
    }

    /// Lets `receive` write into the unfilled part of the current piece, and counts the bytes
    /// it says it wrote there; nil when it returns nil (the connection ended).
    @discardableResult
    mutating func fill(using receive: (UnsafeMutableRawBufferPointer) -> Int?) -> Int? {
        guard !isComplete else { return 0 }
        let (index, filled) = current
        let received = pieces[index].withUnsafeMutableBytes { piece in
            receive(UnsafeMutableRawBufferPointer(rebasing: piece[filled...]))
        }
        guard let received else { return nil }
        current.filled += received
        if current.filled == pieces[index].count { current = (index + 1, 0) }
        return received
    }
}
