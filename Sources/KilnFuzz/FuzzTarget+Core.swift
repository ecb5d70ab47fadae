import Crypto
import Foundation
import KilnCore

extension FuzzTarget {
    /// Filter values with `*`, `?` and `\` against candidate text, bytes and Characters alike.
    static let filters = FuzzTarget("filters") { bytes in
        let parts = FuzzInput.strings(bytes, 2)
        _ = Wildcard.matches(pattern: parts[0], parts[1])
        _ = Filter(name: "tag:Name", values: [parts[0]]).matchesAny([parts[1], parts[0]])
    }

    private static let pageScope = PageScope.unbound

    /// A NextToken as the list calls read it, and the tokens Kiln itself makes from an id.
    static let pageTokens = FuzzTarget("page-tokens") { bytes in
        let parts = FuzzInput.strings(bytes, 2)
        for token in [parts[0], PageRequest.everything(pageScope).token(after: parts[1])] {
            guard let request = try? PageRequest(maxResults: 5, nextToken: token, allowed: 5...1000, scope: pageScope) else { continue }
            _ = try? request.page(of: Array(0..<12))
            _ = try? request.startAfter()
        }
    }

    private static let blockTokenKey = SymmetricKey(data: [UInt8](repeating: 7, count: 32))

    /// The EBS direct APIs' BlockToken, forged or made for another block.
    static let blockTokens = FuzzTarget("block-tokens") { bytes in
        let parts = FuzzInput.strings(bytes, 2)
        let token = BlockToken(key: blockTokenKey)
        let index = bytes.first.map(Int.init) ?? 0
        _ = token.verify(parts[0], snapshotID: "snap-0123456789abcdef0", index: index, now: Date(timeIntervalSince1970: 0))
        let made = token.make(snapshotID: parts[1], index: index, expiry: Date(timeIntervalSince1970: 1_000_000))
        _ = token.verify(made, snapshotID: parts[1], index: index, now: Date(timeIntervalSince1970: 0))
    }

    /// The manifest of an image bundle.
    static let bundleManifest = FuzzTarget("bundle-manifest") { bytes in
        guard let manifest = BundleManifest(xml: String(decoding: bytes, as: UTF8.self)) else { return }
        _ = BundleManifest(xml: manifest.xml)
    }
}
