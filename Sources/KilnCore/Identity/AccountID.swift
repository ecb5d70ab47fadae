/// A 12-digit AWS account number, such as `123456789012`.
public struct AccountID: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    /// The twelve digits.
    public let rawValue: String

    /// Accepts exactly twelve ASCII digits; `nil` for anything else.
    public init?(_ text: String) {
        guard text.utf8.count == 12, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        rawValue = text
    }

    /// The account LocalStack and Kiln use when an access key names none: `000000000000`.
    public static let defaultAccount = AccountID(unchecked: "000000000000")

    init(unchecked text: String) {
        rawValue = text
    }

    public var description: String { rawValue }

    public static func < (lhs: AccountID, rhs: AccountID) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = AccountID(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not a 12-digit account id"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
