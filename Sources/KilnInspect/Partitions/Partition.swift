/// One partition of a disk, or the whole disk when it has no partition table.
package struct Partition: Sendable, Codable, Equatable {
    /// 1-based, as Linux numbers them; 0 for a whole disk without a table.
    package var number: Int
    /// Byte offset on the disk.
    package var offset: Int
    /// Size in bytes.
    package var size: Int
    /// The MBR type byte (`0x83`) or the GPT type GUID, as text.
    package var type: String
    /// The GPT partition name, when there is one.
    package var name: String?

    /// Describes a partition.
    package init(number: Int, offset: Int, size: Int, type: String, name: String? = nil) {
        self.number = number
        self.offset = offset
        self.size = size
        self.type = type
        self.name = name
    }
}
