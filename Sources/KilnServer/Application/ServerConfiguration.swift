import KilnCore
import KilnObjectStore

/// Everything `kiln serve` can be told; every field has an embedded default, so
/// `kiln serve` alone starts a working service.
package struct ServerConfiguration: Sendable {
    /// The address to listen on.
    package var host = "127.0.0.1"
    /// The port to listen on; 0 picks a free one.
    package var port = 8787
    /// Where state lives: `kiln.sqlite` for metadata and `blocks/` for block data.
    package var dataDirectory = "./kiln-data"
    /// Where metadata lives: `nil` for `kiln.sqlite` in the data directory, or a
    /// `postgres://` URL that several nodes share.
    package var metadata: String?
    /// In a cluster: how long after a node last wrote or reused a block no other node collects garbage.
    package var blockLeaseSeconds = 60
    /// How requests are authenticated.
    package var auth = AuthMode.dev
    /// Where block data and whole objects (bundles, stored images) live: `nil` for files under
    /// the data directory, or a bucket of an S3-compatible object store.
    package var blocks: S3Location?
    /// With `blocks` in an object store: the most memory its read cache uses, in MiB (0: none).
    package var blocksCacheMiB = 256
    /// A JSON file declaring accounts, access keys, organizations and regions.
    package var configFile: String?
    /// The account of access keys that name none; `000000000000` unless set.
    package var defaultAccount: AccountID?
    /// How long asynchronous transitions take.
    package var latency = Latency.instant
    /// Whether `POST /moto-api/reset` may wipe all state.
    package var enableTestReset = false
    /// Whether every region starts with the catalogue of AWS-provided, Marketplace and community images.
    package var catalog = Catalog.default
    /// Where instances run, and the limits of their machines.
    package var runtime = RuntimeChoice()
    /// Whether sharing an image with high-severity findings is logged or refused.
    package var hygieneCheck = HygieneCheck.off
    /// PEM files of the certificate chain and private key: with both, Kiln serves HTTPS.
    package var tlsCertificateFile: String?
    package var tlsKeyFile: String?
    /// The most connections open at once; one more is answered 503 and closed.
    package var maxConnections = 1024
    /// Seconds a connection may stay without a request (or with a request head still arriving)
    /// before it is closed.
    package var idleTimeoutSeconds = 60
    /// Seconds a request's body may take to arrive after its head before the connection is closed.
    package var requestTimeoutSeconds = 300

    /// The catalogue choices.
    package enum Catalog: String, Sendable, CaseIterable {
        /// AWS-provided, Marketplace and community images in every region.
        case `default`
        /// No images: for test suites that expect an empty world.
        case none
        /// moto's preloaded public images, with their ids, in every region: for test suites
        /// written against moto.
        case moto

        /// The images every region starts with; `nil` for none.
        package var images: [CatalogImage]? {
            switch self {
            case .default: return KilnCore.Catalog.images
            case .none: return nil
            case .moto: return KilnCore.Catalog.motoImages
            }
        }
    }

    /// The embedded defaults.
    package init() {}
}
