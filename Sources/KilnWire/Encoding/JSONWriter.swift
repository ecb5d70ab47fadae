import Foundation

/// Writes JSON for the JSON 1.1 and REST-JSON protocols: members are keys, lists are arrays,
/// timestamps are epoch seconds.
public final class JSONWriter: WireWriter {
    /// The document so far, UTF-8.
    public private(set) var bytes: [UInt8] = []
    /// For each open object or array, whether it has an entry yet (and so needs a comma before the next).
    private var hasEntry: [Bool] = []
    /// Whether a key was just written, so that the next value belongs to it and needs no comma.
    private var afterKey = false

    /// Starts an empty document.
    public init(reservingCapacity capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    public var wrapsListEntries: Bool { false }

    private func separate() {
        guard let last = hasEntry.last else { return }
        if last { bytes.append(UInt8(ascii: ",")) }
        hasEntry[hasEntry.count - 1] = true
    }

    public func openMember(_ name: String) {
        separate()
        writeString(name)
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    public func closeMember(_ name: String) {}

    public func openStructure() { open(UInt8(ascii: "{")) }
    public func closeStructure() { close(UInt8(ascii: "}")) }
    public func openList() { open(UInt8(ascii: "[")) }
    public func closeList() { close(UInt8(ascii: "]")) }
    public func openMap() { open(UInt8(ascii: "{")) }
    public func closeMap() { close(UInt8(ascii: "}")) }

    private func open(_ bracket: UInt8) {
        beginValue()
        bytes.append(bracket)
        hasEntry.append(false)
    }

    private func close(_ bracket: UInt8) {
        hasEntry.removeLast()
        bytes.append(bracket)
    }

    /// Values inside a list are separated by commas; values of members are not (their key was).
    private func beginValue() {
        if afterKey {
            afterKey = false
        } else {
            separate()
        }
    }

    public func text(_ value: String) {
        beginValue()
        writeString(value)
    }

    public func number(_ value: String) {
        beginValue()
        bytes.append(contentsOf: value.utf8)
    }

    public func boolean(_ value: Bool) {
        beginValue()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    public func timestamp(_ value: Date) {
        beginValue()
        let seconds = value.timeIntervalSince1970
        bytes.append(contentsOf: (seconds == seconds.rounded() ? String(Int64(seconds)) : String(seconds)).utf8)
    }

    private func writeString(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): bytes.append(contentsOf: "\\\\".utf8)
            case 0x0A: bytes.append(contentsOf: "\\n".utf8)
            case 0x0D: bytes.append(contentsOf: "\\r".utf8)
            case 0x09: bytes.append(contentsOf: "\\t".utf8)
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: "\\u00".utf8)
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
