import Foundation

/// How the metadata stores write records as JSON: dates as seconds since 1970, and keys
/// sorted, so that equal records are equal bytes (the stores' decode caches key on them).
package enum StoredJSON {
    package static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    package static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()
}
