import Foundation

/// The value of a `blob` member: bytes that travel base64-encoded in forms and JSON, and
/// raw as a REST payload (an EBS block).
///
/// The bytes are kept as the `[UInt8]` the server reads a body into and the domain core
/// works with, so a 512 KiB block moves from the socket to the store, and back, without
/// being copied into a `Data` and out of it again.
public struct Blob: Sendable, Hashable {
    /// The bytes themselves.
    public var bytes: [UInt8]

    /// A blob of `bytes`.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// A blob of the bytes of `data`.
    public init(_ data: Data) {
        self.bytes = [UInt8](data)
    }

    /// The bytes as `Data`, for APIs that want it.
    public var data: Data { Data(bytes) }
}

extension Blob: WireDecodable {
    /// Raw bytes as they came in a REST payload; base64 text anywhere else.
    public init(wireNode node: WireNode, path: String) throws {
        if case .bytes(let bytes) = node {
            self.init(bytes)
            return
        }
        let text = node.scalarText ?? ""
        guard let data = Data(base64Encoded: text) else {
            throw WireError.invalid(path, String(text.prefix(16)), expected: "base64-encoded bytes")
        }
        self.init(data)
    }
}

extension Blob: WireEncodable {
    /// Base64 text; a REST payload is written raw from ``RESTOutput/restPayload`` instead.
    public func encode<Writer: WireWriter>(to writer: Writer) { writer.text(Data(bytes).base64EncodedString()) }
}
