/// A failure of the block store that is not the client's doing.
package enum BlockStoreError: Error, CustomStringConvertible, Equatable {
    /// Stored bytes did not decode or did not match their checksum.
    case corrupt(String)
    /// The index names a block that is not where it says.
    case missing(String)
    /// A key file that others than the server's user can read.
    case unsafeKeyFile(String)

    package var description: String {
        switch self {
        case .corrupt(let detail): return "corrupt block: \(detail)"
        case .missing(let detail): return "missing block: \(detail)"
        case .unsafeKeyFile(let detail): return "refusing to start: \(detail)"
        }
    }
}
