import Crypto
import Foundation
import _CryptoExtras

/// Makes and reads SSH key material: new RSA and Ed25519 pairs, and OpenSSH public keys.
enum KeyMaterial {
    /// A new pair of `type` (`rsa` or `ed25519`): the private key (PKCS#1 PEM for RSA, OpenSSH
    /// for Ed25519), the OpenSSH public key, and EC2's fingerprint of it.
    static func generate(type: String, name: String) throws -> (privateKey: String, publicKey: String, fingerprint: String) {
        switch type {
        case "rsa":
            let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            let publicBlob = try sshRSABlob(key.publicKey)
            // EC2 fingerprints a key it made by the SHA-1 of its PKCS#8 form.
            let pkcs8 = key.pkcs8DERRepresentation
            let fingerprint = Insecure.SHA1.hash(data: pkcs8).map { String(format: "%02x", $0) }.joined(separator: ":")
            return (key.pemRepresentation, "ssh-rsa \(Data(publicBlob).base64EncodedString()) \(name)", fingerprint)
        case "ed25519":
            let key = Curve25519.Signing.PrivateKey()
            let publicBlob = sshString("ssh-ed25519") + sshString(Array(key.publicKey.rawRepresentation))
            let privateKey = openSSHPrivateKey(key, publicBlob: publicBlob, comment: name)
            return (privateKey, "ssh-ed25519 \(Data(publicBlob).base64EncodedString()) \(name)", sha256Fingerprint(publicBlob))
        default:
            throw CloudError.invalidParameterValue("Value (\(type)) for parameter keyType is invalid. Valid values: rsa, ed25519")
        }
    }

    /// Reads an OpenSSH public key line; returns its type and EC2's fingerprint, or
    /// `InvalidKey.Format`.
    static func parsePublicKey(_ material: [UInt8]) throws -> (type: String, line: String, fingerprint: String) {
        let invalid = CloudError.malformedPublicKey
        guard let text = String(bytes: material, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines) else { throw invalid }
        let fields = text.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 2, let blob = Data(base64Encoded: String(fields[1])) else { throw invalid }
        let bytes = Array(blob)
        switch fields[0] {
        case "ssh-rsa":
            guard bytes.starts(with: sshString("ssh-rsa")) else { throw invalid }
            return ("rsa", text, Insecure.MD5.hash(data: bytes).map { String(format: "%02x", $0) }.joined(separator: ":"))
        case "ssh-ed25519":
            guard bytes.starts(with: sshString("ssh-ed25519")), bytes.count == sshString("ssh-ed25519").count + 4 + 32 else { throw invalid }
            return ("ed25519", text, sha256Fingerprint(bytes))
        default:
            throw invalid
        }
    }

    private static func sha256Fingerprint(_ blob: [UInt8]) -> String {
        Data(SHA256.hash(data: blob)).base64EncodedString()
    }

    /// SSH's length-prefixed string.
    private static func sshString(_ bytes: [UInt8]) -> [UInt8] {
        let count = UInt32(bytes.count)
        return [UInt8(count >> 24), UInt8(count >> 16 & 0xff), UInt8(count >> 8 & 0xff), UInt8(count & 0xff)] + bytes
    }

    private static func sshString(_ text: String) -> [UInt8] { sshString(Array(text.utf8)) }

    /// SSH's multiple-precision integer: big-endian, with a zero byte before a set high bit.
    private static func sshMPInt(_ magnitude: [UInt8]) -> [UInt8] {
        var bytes = Array(magnitude.drop { $0 == 0 })
        if let first = bytes.first, first & 0x80 != 0 { bytes.insert(0, at: 0) }
        return sshString(bytes)
    }

    private static func sshRSABlob(_ key: _RSA.Signing.PublicKey) throws -> [UInt8] {
        let primitives = try key.getKeyPrimitives()
        return sshString("ssh-rsa") + sshMPInt(Array(primitives.publicExponent)) + sshMPInt(Array(primitives.modulus))
    }

    /// The `openssh-key-v1` form of an unencrypted Ed25519 key, as ssh-keygen writes it.
    private static func openSSHPrivateKey(_ key: Curve25519.Signing.PrivateKey, publicBlob: [UInt8], comment: String) -> String {
        let check = UInt32.random(in: .min ... .max)
        let checkBytes = [UInt8(check >> 24), UInt8(check >> 16 & 0xff), UInt8(check >> 8 & 0xff), UInt8(check & 0xff)]
        let publicKey = Array(key.publicKey.rawRepresentation)
        var section = checkBytes + checkBytes + sshString("ssh-ed25519") + sshString(publicKey)
        section += sshString(Array(key.rawRepresentation) + publicKey) + sshString(comment)
        var padding: UInt8 = 1
        while section.count % 8 != 0 {
            section.append(padding)
            padding += 1
        }
        var body = Array("openssh-key-v1".utf8) + [0]
        body += sshString("none") + sshString("none") + sshString([UInt8]())
        body += [0, 0, 0, 1] + sshString(publicBlob) + sshString(section)
        let encoded = Data(body).base64EncodedString()
        var lines = ["-----BEGIN OPENSSH PRIVATE KEY-----"]
        var start = encoded.startIndex
        while start < encoded.endIndex {
            let end = encoded.index(start, offsetBy: 70, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[start..<end]))
            start = end
        }
        lines.append("-----END OPENSSH PRIVATE KEY-----")
        return lines.joined(separator: "\n")
    }
}
