/// A 12-digit AWS account number, such as `123456789012`.
package struct AccountID: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    /// The twelve digits.
    package let rawValue: String

    /// Accepts exactly twelve ASCII digits; `nil` for anything else.
    package init?(_ text: String) {
        guard text.utf8.count == 12, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        rawValue = text
    }

    /// The account LocalStack and Kiln use when an access key names none: `000000000000`.
    package static let defaultAccount = AccountID(unchecked: "000000000000")

    init(unchecked text: String) {
        rawValue = text
    }

    package var description: String { rawValue }

    package static func < (lhs: AccountID, rhs: AccountID) -> Bool { lhs.rawValue < rhs.rawValue }

    package init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = AccountID(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not a 12-digit account id"))
        }
        self = id
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
