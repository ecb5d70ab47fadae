import KilnCore

/// Everything `kiln serve` can be told; every field has an embedded default, so
/// `kiln serve` alone starts a working service.
public struct ServerConfiguration: Sendable {
    /// The address to listen on.
    public var host = "127.0.0.1"
    /// The port to listen on; 0 picks a free one.
    public var port = 8787
    /// Where state lives: `kiln.sqlite` for metadata and `blocks/` for block data.
    public var dataDirectory = "./kiln-data"
    /// How requests are authenticated.
    public var auth = AuthMode.dev
    /// A JSON file declaring accounts, access keys, organizations and regions.
    public var configFile: String?
    /// The account of access keys that name none; `000000000000` unless set.
    public var defaultAccount: AccountID?
    /// How long asynchronous transitions take.
    public var latency = Latency.instant
    /// Whether `POST /moto-api/reset` may wipe all state.
    public var enableTestReset = false
    /// Whether every region starts with the catalogue of AWS-provided, Marketplace and community images.
    public var catalog = Catalog.default
    /// Where instances run, and the limits of their machines.
    public var runtime = RuntimeChoice()

    /// The catalogue choices.
    public enum Catalog: String, Sendable, CaseIterable {
        /// AWS-provided, Marketplace and community images in every region.
        case `default`
        /// No images: for test suites that expect an empty world.
        case none
    }

    /// The embedded defaults.
    public init() {}
}
