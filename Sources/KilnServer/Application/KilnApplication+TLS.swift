import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOCore
import NIOSSL

extension KilnApplication {
    /// HTTP/1.1 within the configuration's connection limits, over TLS when the configuration
    /// names a certificate and a key.
    static func serverBuilder(_ configuration: ServerConfiguration) throws -> HTTPServerBuilder {
        let gate = ConnectionGate(limit: configuration.maxConnections)
        let idleTimeout = TimeAmount.seconds(Int64(configuration.idleTimeoutSeconds))
        let requestTimeout = TimeAmount.seconds(Int64(configuration.requestTimeoutSeconds))
        let http = HTTPServerBuilder { responder in
            GuardedChannel(
                base: HTTP1Channel(
                    responder: responder,
                    configuration: .init(
                        additionalChannelHandlers: [RequestDeadlineHandler(requestTimeout: requestTimeout)],
                        idleTimeout: idleTimeout
                    )
                ),
                gate: gate
            )
        }
        switch (configuration.tlsCertificateFile, configuration.tlsKeyFile) {
        case (nil, nil):
            return http
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
            return try .tls(http, tlsConfiguration: tls)
        default:
            throw ConfigurationError("--tls-cert and --tls-key go together")
        }
    }
}
