import Foundation

/// `MaxResults` and `NextToken` of a Describe call, applied to a sorted list.
public struct PageRequest: Sendable {
    /// How many items a page holds at most; `nil` for all.
    public var maxResults: Int?
    /// Where the page starts, from the previous page's token.
    public var nextToken: String?

    /// Creates a page request; `allowed` is the page size range of this call.
    ///
    /// As on AWS, a MaxResults below the range is refused and one above it returns a full page
    /// (the aws CLI asks DescribeVolumes for 1,000 where AWS pages by 500).
    public init(maxResults: Int?, nextToken: String?, allowed: ClosedRange<Int>) throws {
        if let maxResults, maxResults < allowed.lowerBound {
            throw CloudError.invalidParameterValue(
                "Value ( \(maxResults) ) for parameter maxResults is invalid. Expecting a value greater than \(allowed.lowerBound - 1)."
            )
        }
        self.maxResults = maxResults.map { min($0, allowed.upperBound) }
        self.nextToken = nextToken
    }

    /// The page of `items` this request asks for, and the token of the next page if any.
    public func page<Item>(of items: [Item]) throws -> (items: [Item], nextToken: String?) {
        var start = 0
        if let nextToken, !nextToken.isEmpty {
            guard let data = Data(base64Encoded: nextToken), let text = String(data: data, encoding: .utf8),
                text.hasPrefix("offset:"), let offset = Int(text.dropFirst(7)), offset >= 0
            else {
                throw CloudError("InvalidPaginationToken", "The pagination token '\(nextToken)' is invalid.")
            }
            start = min(offset, items.count)
        }
        guard let maxResults else { return (Array(items[start...]), nil) }
        let end = min(items.count, start + maxResults)
        let token = end < items.count ? Data("offset:\(end)".utf8).base64EncodedString() : nil
        return (Array(items[start..<end]), token)
    }
}
