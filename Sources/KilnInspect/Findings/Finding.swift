/// Something an image holds that it should not: a secret, state of the machine it was built
/// on, or bytes it does not need.
package struct Finding: Sendable, Codable, Equatable {
    /// What was found.
    package enum Kind: String, Sendable, Codable, CaseIterable {
        case privateKey = "private-key"
        case awsAccessKey = "aws-access-key"
        case cloudCredentials = "cloud-credentials"
        case sshHostKey = "ssh-host-key"
        case authorizedKeys = "authorized-keys"
        case shellHistory = "shell-history"
        case cloudInitInstance = "cloud-init-instance"
        case machineID = "machine-id"
        case packageCache = "package-cache"
        case log = "log"

        /// How much it matters before an image is shared.
        package var severity: Severity {
            switch self {
            case .privateKey, .awsAccessKey, .cloudCredentials, .sshHostKey: .high
            case .authorizedKeys, .shellHistory, .cloudInitInstance, .machineID: .medium
            case .packageCache, .log: .low
            }
        }
    }

    /// How much a finding matters.
    package enum Severity: String, Sendable, Codable, Comparable {
        case low, medium, high

        private var rank: Int {
            switch self {
            case .low: 0
            case .medium: 1
            case .high: 2
            }
        }

        package static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    package var kind: Kind
    package var severity: Severity
    /// The file or directory, where a file system was read.
    package var path: String?
    /// The byte offset on the volume, where no file system was read.
    package var offset: Int?
    /// What exactly, in a few words (secrets masked).
    package var detail: String
    /// The files a grouped finding covers (caches, logs, cloud-init state).
    package var files: Int?
    /// The bytes they take: what removing them would reclaim.
    package var bytes: Int?

    /// Describes a finding; its severity is its kind's.
    package init(kind: Kind, path: String? = nil, offset: Int? = nil, detail: String, files: Int? = nil, bytes: Int? = nil) {
        self.kind = kind
        self.severity = kind.severity
        self.path = path
        self.offset = offset
        self.detail = detail
        self.files = files
        self.bytes = bytes
    }
}
