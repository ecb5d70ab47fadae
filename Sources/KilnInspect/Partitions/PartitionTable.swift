/// A disk's partition table: MBR, GPT (behind its protective MBR), or none.
package struct PartitionTable: Sendable, Codable, Equatable {
    /// The kinds of table.
    package enum Scheme: String, Sendable, Codable {
        case mbr, gpt, none
    }

    package var scheme: Scheme
    package var partitions: [Partition]

    /// The logical sector size partition tables count in.
    static let sectorSize = 512
    /// MBR types of extended partitions, whose logical partitions are chained inside them.
    static let extendedTypes: Set<Int> = [0x05, 0x0F, 0x85]

    /// Reads the table of `disk`.
    package static func read(_ disk: any ByteSource) async throws -> PartitionTable {
        let mbr = try await disk.read(offset: 0, length: sectorSize)
        guard mbr[510] == 0x55, mbr[511] == 0xAA else { return PartitionTable(scheme: .none, partitions: []) }
        let entries = (0..<4).map { Array(mbr[(446 + $0 * 16)..<(446 + $0 * 16 + 16)]) }
        // Boot sectors of bare file systems also end in 55 AA: a table's entries have status 0 or 0x80.
        guard entries.allSatisfy({ $0[0] == 0 || $0[0] == 0x80 }) else { return PartitionTable(scheme: .none, partitions: []) }
        if entries.contains(where: { $0[4] == 0xEE }), let gpt = try await readGPT(disk) { return gpt }
        var partitions: [Partition] = []
        for (slot, entry) in entries.enumerated() {
            let type = Int(entry[4])
            let start = entry.u32(8) * sectorSize
            let size = entry.u32(12) * sectorSize
            guard type != 0, size > 0, start < disk.size else { continue }
            if extendedTypes.contains(type) {
                partitions += try await readLogical(disk, extendedStart: start)
            } else {
                partitions.append(Partition(number: slot + 1, offset: start, size: min(size, disk.size - start), type: hexType(type)))
            }
        }
        return PartitionTable(scheme: .mbr, partitions: partitions)
    }

    /// The logical partitions of an extended partition: a chain of EBRs, numbered from 5.
    private static func readLogical(_ disk: any ByteSource, extendedStart: Int) async throws -> [Partition] {
        var partitions: [Partition] = []
        var ebr = extendedStart
        var seen: Set<Int> = []
        while ebr < disk.size, seen.insert(ebr).inserted, partitions.count < 128 {
            let sector = try await disk.read(offset: ebr, length: sectorSize)
            guard sector[510] == 0x55, sector[511] == 0xAA else { break }
            let type = Int(sector[446 + 4])
            let start = ebr + sector.u32(446 + 8) * sectorSize
            let size = sector.u32(446 + 12) * sectorSize
            if type != 0, size > 0, start < disk.size {
                partitions.append(Partition(number: 5 + partitions.count, offset: start, size: min(size, disk.size - start), type: hexType(type)))
            }
            let next = sector.u32(462 + 8)
            guard next != 0 else { break }
            ebr = extendedStart + next * sectorSize
        }
        return partitions
    }

    /// The GPT at LBA 1, if its header is there.
    private static func readGPT(_ disk: any ByteSource) async throws -> PartitionTable? {
        let header = try await disk.read(offset: sectorSize, length: sectorSize)
        guard Array(header[0..<8]) == Array("EFI PART".utf8) else { return nil }
        let entriesLBA = header.u64(72)
        let count = min(header.u32(80), 1024)
        let entrySize = header.u32(84)
        guard entrySize >= 128, entriesLBA > 0 else { return nil }
        let table = try await disk.read(offset: entriesLBA * sectorSize, length: count * entrySize)
        var partitions: [Partition] = []
        for slot in 0..<count {
            let entry = Array(table[(slot * entrySize)..<(slot * entrySize + 128)])
            guard entry[0..<16].contains(where: { $0 != 0 }) else { continue }
            let first = entry.u64(32)
            let last = entry.u64(40)
            guard last >= first, first * sectorSize < disk.size else { continue }
            let size = min((last - first + 1) * sectorSize, disk.size - first * sectorSize)
            partitions.append(
                Partition(
                    number: slot + 1,
                    offset: first * sectorSize,
                    size: size,
                    type: guid(Array(entry[0..<16])),
                    name: utf16Name(Array(entry[56..<128]))
                )
            )
        }
        return PartitionTable(scheme: .gpt, partitions: partitions)
    }

    /// `0x83`.
    private static func hexType(_ type: Int) -> String {
        "0x" + String(type, radix: 16, uppercase: true).leftPadded(to: 2)
    }

    /// A GUID in its mixed-endian text form.
    private static func guid(_ bytes: [UInt8]) -> String {
        func hex(_ slice: some Sequence<UInt8>) -> String { slice.map { String($0, radix: 16, uppercase: true).leftPadded(to: 2) }.joined() }
        return [
            hex(bytes[0..<4].reversed()), hex(bytes[4..<6].reversed()), hex(bytes[6..<8].reversed()), hex(bytes[8..<10]),
            hex(bytes[10..<16]),
        ].joined(separator: "-")
    }

    /// A GPT name: UTF-16LE up to the first NUL; `nil` when empty.
    private static func utf16Name(_ bytes: [UInt8]) -> String? {
        var units: [UInt16] = []
        for index in stride(from: 0, to: bytes.count - 1, by: 2) {
            let unit = UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8
            if unit == 0 { break }
            units.append(unit)
        }
        return units.isEmpty ? nil : String(decoding: units, as: UTF16.self)
    }
}

extension String {
    /// The string with zeros in front up to `width` characters.
    func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
