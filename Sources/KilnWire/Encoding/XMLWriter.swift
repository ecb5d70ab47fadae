import Foundation

/// Writes XML for EC2 and the AWS query protocol: members are elements, list entries are
/// wrapped in their entry element (`item`, `member`), timestamps are ISO 8601 with milliseconds.
public final class XMLWriter: WireWriter {
    /// The document so far, UTF-8.
    public private(set) var bytes: [UInt8] = []

    /// Starts an empty document, with room reserved for a typical response.
    public init(reservingCapacity capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    /// Appends markup that needs no escaping.
    public func raw(_ markup: String) {
        bytes.append(contentsOf: markup.utf8)
    }

    /// Appends `<name>escaped text</name>`.
    public func element(_ name: String, _ text: String) {
        openMember(name)
        self.text(text)
        closeMember(name)
    }

    public var wrapsListEntries: Bool { true }

    public func openMember(_ name: String) {
        bytes.append(UInt8(ascii: "<"))
        bytes.append(contentsOf: name.utf8)
        bytes.append(UInt8(ascii: ">"))
    }

    public func closeMember(_ name: String) {
        bytes.append(UInt8(ascii: "<"))
        bytes.append(UInt8(ascii: "/"))
        bytes.append(contentsOf: name.utf8)
        bytes.append(UInt8(ascii: ">"))
    }

    public func openStructure() {}
    public func closeStructure() {}
    public func openList() {}
    public func closeList() {}
    public func openMap() {}
    public func closeMap() {}

    /// Appends escaped text. Runs without markup characters (almost all text) are copied in one
    /// append each; only the characters XML reserves are replaced.
    public func text(_ value: String) {
        var value = value
        value.withUTF8 { buffer in
            var runStart = 0
            for index in buffer.indices {
                let escaped: StaticString
                switch buffer[index] {
                case UInt8(ascii: "<"): escaped = "&lt;"
                case UInt8(ascii: ">"): escaped = "&gt;"
                case UInt8(ascii: "&"): escaped = "&amp;"
                case UInt8(ascii: "\""): escaped = "&quot;"
                case UInt8(ascii: "'"): escaped = "&apos;"
                case 0x0D: escaped = "&#xD;"
                default: continue
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[runStart..<index]))
                escaped.withUTF8Buffer { bytes.append(contentsOf: $0) }
                runStart = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[runStart...]))
        }
    }

    public func number(_ value: String) { bytes.append(contentsOf: value.utf8) }

    public func boolean(_ value: Bool) { bytes.append(contentsOf: (value ? "true" : "false").utf8) }

    public func timestamp(_ value: Date) { bytes.append(contentsOf: Timestamp.iso8601(value).utf8) }
}
