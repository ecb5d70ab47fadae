import Foundation

/// `MaxResults` and `NextToken` of a paginated call.
///
/// A page is either a slice of a list the service has already read (``page(of:)``), or, for
/// calls that page in the store, the resources after the previous page's last id
/// (``startAfter()`` and ``token(after:)``), so that a page costs the same however many
/// resources there are. Either way the token is a ``PageScope``-sealed position: opaque,
/// bound to the call, the caller and the call's other parameters, and refused when changed.
package struct PageRequest: Sendable {
    /// How many items a page holds at most; `nil` for all.
    package var maxResults: Int?
    /// Where the page starts, from the previous page's token.
    package var nextToken: String?
    /// What this call's tokens are bound to.
    package var scope: PageScope

    /// Creates a page request; `allowed` is the page size range of this call.
    ///
    /// As on AWS, a MaxResults below the range is refused and one above it returns a full page
    /// (the aws CLI asks DescribeVolumes for 1,000 where AWS pages by 500).
    package init(maxResults: Int?, nextToken: String?, allowed: ClosedRange<Int>, scope: PageScope) throws {
        if let maxResults, maxResults < allowed.lowerBound {
            throw CloudError.invalidParameterValue(
                "Value ( \(maxResults) ) for parameter maxResults is invalid. Expecting a value greater than \(allowed.lowerBound - 1)."
            )
        }
        self.maxResults = maxResults.map { min($0, allowed.upperBound) }
        self.nextToken = nextToken.flatMap { $0.isEmpty ? nil : $0 }
        self.scope = scope
    }

    /// A request for everything at once, for calls made inside Kiln.
    package static func everything(_ scope: PageScope = .unbound) -> PageRequest {
        PageRequest(maxResults: nil, nextToken: nil, scope: scope)
    }

    private init(maxResults: Int?, nextToken: String?, scope: PageScope) {
        self.maxResults = maxResults
        self.nextToken = nextToken
        self.scope = scope
    }

    /// The page of `items` this request asks for, and the token of the next page if any.
    package func page<Item>(of items: [Item]) throws -> (items: [Item], nextToken: String?) {
        var start = 0
        if let nextToken {
            guard let position = scope.open(nextToken), position.hasPrefix("o"), let offset = Int(position.dropFirst()), offset >= 0 else {
                throw CloudError.invalidPaginationToken(nextToken)
            }
            start = min(offset, items.count)
        }
        guard let maxResults else { return (Array(items[start...]), nil) }
        let end = min(items.count, start + maxResults)
        let token = end < items.count ? scope.seal("o\(end)") : nil
        return (Array(items[start..<end]), token)
    }

    /// For calls that page in the store: the id after which this page starts, `nil` for the first page.
    package func startAfter() throws -> String? {
        guard let nextToken else { return nil }
        guard let position = scope.open(nextToken), position.hasPrefix("k") else {
            throw CloudError.invalidPaginationToken(nextToken)
        }
        return String(position.dropFirst())
    }

    /// For calls that page in the store: the token of the page that starts after `lastID`.
    package func token(after lastID: String) -> String {
        scope.seal("k\(lastID)")
    }
}
