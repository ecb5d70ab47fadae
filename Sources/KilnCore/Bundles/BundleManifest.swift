import Foundation

/// The manifest of an instance-store image bundle: the image's size and digest and the
/// parts it was cut into, each stored as an object beside the manifest.
///
/// Kiln writes and reads a small XML document in the spirit of `ec2-bundle-image`'s, without
/// its encryption: parts are stored plainly and checked by SHA-256.
package struct BundleManifest: Sendable, Equatable {
    /// One part of the image.
    package struct Part: Sendable, Equatable {
        /// The part's object name, relative to the manifest's folder.
        package var filename: String
        /// Lower-case hex SHA-256 of the part.
        package var sha256: String

        /// Describes a part.
        package init(filename: String, sha256: String) {
            self.filename = filename
            self.sha256 = sha256
        }
    }

    /// The image's name (the bundle's prefix).
    package var name: String
    /// `x86_64`, `arm64` or `i386`.
    package var architecture: String
    /// The image's size in bytes.
    package var size: Int
    /// Lower-case hex SHA-256 of the whole image.
    package var sha256: String
    /// The parts, in order.
    package var parts: [Part]

    /// Describes a bundle.
    package init(name: String, architecture: String, size: Int, sha256: String, parts: [Part]) {
        self.name = name
        self.architecture = architecture
        self.size = size
        self.sha256 = sha256
        self.parts = parts
    }

    /// The largest part `kiln bundle` writes: 1 MiB, so that each fits one request body
    /// (`ec2-bundle-image` cuts 10 MiB parts for S3).
    package static let partSize = 1 << 20

    /// The manifest as XML.
    package var xml: String {
        var lines = [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<manifest>",
            "  <version>2007-10-10</version>",
            "  <bundler><name>kiln</name></bundler>",
            "  <machine_configuration><architecture>\(architecture)</architecture></machine_configuration>",
            "  <image>",
            "    <name>\(name)</name>",
            "    <size>\(size)</size>",
            "    <digest algorithm=\"SHA256\">\(sha256)</digest>",
            "    <parts count=\"\(parts.count)\">",
        ]
        for (index, part) in parts.enumerated() {
            lines.append(
                "      <part index=\"\(index)\"><filename>\(part.filename)</filename><digest algorithm=\"SHA256\">\(part.sha256)</digest></part>"
            )
        }
        lines += ["    </parts>", "  </image>", "</manifest>", ""]
        return lines.joined(separator: "\n")
    }

    /// Reads a manifest Kiln wrote; `nil` if the text is not one.
    package init?(xml: String) {
        guard let image = Self.element("image", in: xml[...]), let name = Self.element("name", in: image),
            let sizeText = Self.element("size", in: image), let size = Int(sizeText), let digest = Self.element("digest", in: image),
            let partsText = Self.element("parts", in: image)
        else { return nil }
        var parts: [Part] = []
        var rest = partsText
        while let part = Self.element("part", in: rest) {
            guard let filename = Self.element("filename", in: part), let sha = Self.element("digest", in: part) else { return nil }
            parts.append(Part(filename: String(filename), sha256: String(sha)))
            guard let end = rest.range(of: "</part>") else { break }
            rest = rest[end.upperBound...]
        }
        let architecture = Self.element("architecture", in: xml[...]).map(String.init) ?? "x86_64"
        self.init(name: String(name), architecture: architecture, size: size, sha256: String(digest), parts: parts)
    }

    /// The text inside the first `<tag …>…</tag>` of `text`.
    private static func element(_ tag: String, in text: Substring) -> Substring? {
        guard let open = text.range(of: "<\(tag)>") ?? text.range(of: "<\(tag) "),
            let openEnd = text[open.upperBound...].firstIndex(of: ">").map({
                text[open.lowerBound...].hasPrefix("<\(tag)>") ? open.upperBound : text.index(after: $0)
            }),
            let close = text[openEnd...].range(of: "</\(tag)>")
        else { return nil }
        return text[openEnd..<close.lowerBound]
    }
}
