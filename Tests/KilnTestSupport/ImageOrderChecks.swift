import Foundation
import KilnCore
import Testing

/// Checks of ``MetadataTransaction/images(_:)`` in every ``ImageOrder``, shared by the tests of
/// both metadata stores: images whose names and creation dates tie, read in pages of four
/// after each page's last position, must come in exactly the order the keys and ids give.
enum ImageOrderChecks {
    static let owner = AccountID("111111111111") ?? .defaultAccount
    static let other = AccountID("222222222222") ?? .defaultAccount

    /// Twenty-three images of two owners in `region`: five names, four creation dates with
    /// fractions of a second, ids in no relation to either; every fifth public, one deregistered.
    static func images(region: RegionName) -> [Image] {
        (0..<23).map { index in
            var image = Image(
                id: String(format: "ami-%017x", (index * 37) % 23 * 4099),
                owner: index % 3 == 0 ? other : owner,
                region: region,
                name: "order-\(["b", "a", "c", "a-1", "B"][index % 5])",
                creationDate: Date(timeIntervalSince1970: 1_790_000_000.123_456 + Double(index % 4) * 0.25)
            )
            if index % 5 == 0 { image.launchPermissions = [.all] }
            if index == 7 { image.state = .deregistered }
            return image
        }
    }

    /// Whether `first` precedes `second` in `order`: by the key, then by id, in bytes.
    static func precedes(_ first: Image, _ second: Image, in order: ImageOrder) -> Bool {
        let ascending: Bool
        switch order.key {
        case .id: ascending = bytesPrecede(first.storageKey, second.storageKey)
        case .name:
            ascending = first.name == second.name ? bytesPrecede(first.storageKey, second.storageKey) : bytesPrecede(first.name, second.name)
        case .creationDate:
            ascending =
                first.creationDate == second.creationDate
                ? bytesPrecede(first.storageKey, second.storageKey) : first.creationDate < second.creationDate
        }
        return order.descending ? !ascending : ascending
    }

    private static func bytesPrecede(_ first: String, _ second: String) -> Bool {
        first.utf8.lexicographicallyPrecedes(second.utf8)
    }

    /// Saves the images into `store`, then reads every order, for every owner, for the other
    /// account as a viewer (all it may see, and only public images), and with a name pattern,
    /// page by page.
    static func run(on store: any MetadataStore, region: RegionName = "us-east-1") async throws {
        let images = images(region: region)
        try await store.write { transaction in
            for image in images { try transaction.saveImage(image) }
        }
        let live = images.filter { $0.state != .deregistered }
        for key in ImageOrder.Key.allCases {
            for descending in [false, true] {
                let order = ImageOrder(key, descending: descending)
                var query = ImageQuery(region: region, viewer: nil)
                query.order = order
                try await expectPages(query, on: store, equal: live)
                query.owners = [owner]
                try await expectPages(query, on: store, equal: live.filter { $0.owner == owner })
                query.owners = nil
                query.viewer = Viewer(account: other)
                try await expectPages(query, on: store, equal: live.filter { $0.owner == other || $0.isPublic })
                query.publicOnly = true
                try await expectPages(query, on: store, equal: live.filter(\.isPublic))
                query.publicOnly = false
                query.viewer = nil
                query.namePatterns = ["order-a*"]
                try await expectPages(query, on: store, equal: live.filter { $0.name.hasPrefix("order-a") })
            }
        }
    }

    /// Reads `query` in pages of four, each after the last page's last position, and expects
    /// the ids of `expected` in the query's order.
    static func expectPages(_ query: ImageQuery, on store: any MetadataStore, equal expected: [Image]) async throws {
        let order = query.order
        let want = expected.sorted { precedes($0, $1, in: order) }.map(\.id)
        var query = query
        query.limit = 4
        var got: [String] = []
        for _ in 0...expected.count {
            let asked = query
            let page = try await store.read { try $0.images(asked) }
            got += page.map(\.id)
            guard page.count == 4, let last = page.last else { break }
            query.after = order.position(of: last)
        }
        #expect(
            got == want,
            "\(order.key) descending \(order.descending), owners \(query.owners ?? []), viewer \(query.viewer?.account.rawValue ?? "-")"
        )
        #expect(Set(got).count == got.count, "no image twice")
    }
}
