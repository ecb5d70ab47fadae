import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOSSL

extension KilnApplication {
    /// HTTP/1.1, over TLS when the configuration names a certificate and a key.
    static func serverBuilder(_ configuration: ServerConfiguration) throws -> HTTPServerBuilder {
        switch (configuration.tlsCertificateFile, configuration.tlsKeyFile) {
        case (nil, nil):
            return .http1()
        case (let certificateFile?, let keyFile?):
            let chain: [NIOSSLCertificate]
            let key: NIOSSLPrivateKey
            do {
                chain = try NIOSSLCertificate.fromPEMFile(certificateFile)
                key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
            } catch {
                throw ConfigurationError("cannot read the TLS certificate \(certificateFile) or key \(keyFile): \(error)")
            }
            guard !chain.isEmpty else { throw ConfigurationError("\(certificateFile) holds no PEM certificate") }
            let tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
            return try .tls(.http1(), tlsConfiguration: tls)
        default:
            throw ConfigurationError("--tls-cert and --tls-key go together")
        }
    }
}
