/// One parser fed with arbitrary bytes: by libFuzzer (the `Fuzz/` package) or by the replay
/// of a kept corpus (`KilnFuzzTests`).
///
/// A target throws nothing and returns nothing: bad input must come back as an error or `nil`
/// from the parser, so a target only ends the process when the parser crashes or hangs.
package struct FuzzTarget: Sendable {
    /// The target's name, also its corpus folder under `Fuzz/Corpus/`.
    package let name: String
    /// Feeds one input to the parser.
    package let run: @Sendable ([UInt8]) -> Void

    package init(_ name: String, run: @escaping @Sendable ([UInt8]) -> Void) {
        self.name = name
        self.run = run
    }

    /// Every target, by name.
    package static let all: [String: FuzzTarget] = Dictionary(
        uniqueKeysWithValues: [
            queryForm, jsonShapes, restJSON, sigV4, filters, pageTokens, blockTokens, bundleManifest, packEntry, nbd, imds,
        ].map { ($0.name, $0) }
    )
}

/// Splits fuzz input into parts at zero bytes, so that one input can carry several strings.
package enum FuzzInput {
    /// At most `count` parts; the last takes the rest, zero bytes included.
    package static func parts(_ bytes: [UInt8], _ count: Int) -> [[UInt8]] {
        Array(bytes.split(separator: 0, maxSplits: count - 1, omittingEmptySubsequences: false).map(Array.init))
    }

    /// The parts as strings (invalid UTF-8 repaired, as the server's decoding does).
    package static func strings(_ bytes: [UInt8], _ count: Int) -> [String] {
        var out = parts(bytes, count).map { String(decoding: $0, as: UTF8.self) }
        while out.count < count { out.append("") }
        return out
    }
}
