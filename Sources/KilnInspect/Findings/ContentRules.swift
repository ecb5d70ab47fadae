import Foundation

/// Findings known by what a file or a stretch of disk holds.
package enum ContentRules {
    /// Larger files are not read for secrets.
    package static let maximumScannedSize = 256 << 10

    static let pemStart = Array("-----BEGIN ".utf8)
    static let privateKeyEnd = Array("PRIVATE KEY-----".utf8)
    static let accessKeyPrefixes = [Array("AKIA".utf8), Array("ASIA".utf8)]

    /// The secrets in `bytes`, each with where it starts in them.
    ///
    /// The markers are found with Foundation's byte search, so that a file with none (almost
    /// every file) costs a few fast passes; only around a marker are the bytes looked at one by one.
    package static func secrets(in bytes: [UInt8]) -> [(Finding.Kind, String, Int)] {
        let data = Data(bytes)
        var found: [(Finding.Kind, String, Int)] = []
        for begin in occurrences(of: pemStart, in: data) {
            var lineEnd = min(bytes.count, begin + 80)
            if let newline = bytes[begin..<lineEnd].firstIndex(of: UInt8(ascii: "\n")) { lineEnd = newline }
            let header = Array(bytes[begin..<lineEnd])
            if let end = header.firstIndex(of: privateKeyEnd, from: pemStart.count),
                hasKeyBody(bytes, after: begin + end + privateKeyEnd.count)
            {
                let label = String(decoding: header[pemStart.count..<(end + privateKeyEnd.count - 5)], as: UTF8.self)
                found.append((.privateKey, "PEM block \(label)", begin))
            }
        }
        let ids = accessKeyIDs(in: bytes, candidates: accessKeyPrefixes.flatMap { occurrences(of: $0, in: data) }.sorted())
        guard !ids.isEmpty else { return found }
        let secretBeside = hasSecretAccessKey(bytes)
        for (offset, id) in ids {
            let masked = String(id.prefix(4)) + "…" + String(id.suffix(4))
            let detail = secretBeside ? "AWS access key id \(masked) with a secret access key beside it" : "AWS access key id \(masked)"
            found.append((.awsAccessKey, detail, offset))
        }
        return found
    }

    /// Whether a PEM header that ends at `position` is followed by a key: a line break (or the
    /// `\\n` of a key inside a JSON string, as in cloud credentials files), then a line of
    /// base64. The bare header in a program or its source (a parser's constant) is not a key.
    static func hasKeyBody(_ bytes: [UInt8], after position: Int) -> Bool {
        var index = position
        if index < bytes.count, bytes[index] == UInt8(ascii: "\r") { index += 1 }
        if index < bytes.count, bytes[index] == UInt8(ascii: "\n") {
            index += 1
        } else if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "n") {
            index += 2
        } else {
            return false
        }
        // Encrypted legacy keys carry `Proc-Type:` and `DEK-Info:` lines before the body.
        var run = 0
        for byte in bytes[index..<min(bytes.count, index + 300)] {
            run = isBase64Byte(byte) || byte == UInt8(ascii: "=") ? run + 1 : 0
            if run >= 40 { return true }
        }
        return false
    }

    /// Where `needle` occurs in `data`, in order.
    static func occurrences(of needle: [UInt8], in data: Data) -> [Int] {
        let pattern = Data(needle)
        var positions: [Int] = []
        var start = data.startIndex
        while start < data.endIndex, let range = data.range(of: pattern, in: start..<data.endIndex) {
            positions.append(range.lowerBound - data.startIndex)
            start = range.lowerBound + 1
        }
        return positions
    }

    /// AWS access key ids: AKIA or ASIA then 16 upper-case letters or digits, standing alone.
    static func accessKeyIDs(in bytes: [UInt8]) -> [(Int, String)] {
        let data = Data(bytes)
        return accessKeyIDs(in: bytes, candidates: accessKeyPrefixes.flatMap { occurrences(of: $0, in: data) }.sorted())
    }

    /// The access key ids that start at `candidates` (where a prefix was found).
    static func accessKeyIDs(in bytes: [UInt8], candidates: [Int]) -> [(Int, String)] {
        candidates.compactMap { index in
            guard index + 20 <= bytes.count, index == 0 || !isWordByte(bytes[index - 1]),
                bytes[(index + 4)..<(index + 20)].allSatisfy(isUpperOrDigit),
                index + 20 == bytes.count || !isWordByte(bytes[index + 20])
            else { return nil }
            return (index, String(decoding: bytes[index..<(index + 20)], as: UTF8.self))
        }
    }

    /// Whether a 40-character run of base64 letters (an AWS secret access key's form) stands alone in `bytes`.
    static func hasSecretAccessKey(_ bytes: [UInt8]) -> Bool {
        var run = 0
        var mixed = (upper: false, lower: false)
        for (index, byte) in bytes.enumerated() {
            if isBase64Byte(byte) {
                run += 1
                if byte >= UInt8(ascii: "A"), byte <= UInt8(ascii: "Z") { mixed.upper = true }
                if byte >= UInt8(ascii: "a"), byte <= UInt8(ascii: "z") { mixed.lower = true }
            } else {
                if run == 40, mixed.upper, mixed.lower, index - 41 < 0 || !isBase64Byte(bytes[index - 41]) { return true }
                run = 0
                mixed = (false, false)
            }
        }
        return run == 40 && mixed.upper && mixed.lower
    }

    static func isUpperOrDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    static func isWordByte(_ byte: UInt8) -> Bool {
        isUpperOrDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
    }

    static func isBase64Byte(_ byte: UInt8) -> Bool {
        isWordByte(byte) || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "+")
    }
}
