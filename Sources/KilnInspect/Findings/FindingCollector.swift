/// Gathers the findings of one file system: one per file for secrets and the like, one per
/// group for caches, logs and instance state.
struct FindingCollector {
    private var single: [Finding] = []
    private var groups: [String: Finding] = [:]

    /// Applies the path rules to a regular file.
    mutating func add(_ file: FileRecord) {
        switch PathRules.match(file.path, size: file.size) {
        case .file(let kind, let detail):
            single.append(Finding(kind: kind, path: file.path, detail: detail, bytes: file.size))
        case .group(let kind, let root):
            var group = groups[root] ?? Finding(kind: kind, path: root, detail: Self.groupDetail(kind), files: 0, bytes: 0)
            group.files = (group.files ?? 0) + 1
            group.bytes = (group.bytes ?? 0) + file.allocatedBytes
            groups[root] = group
        case nil:
            break
        }
    }

    /// Adds the secrets found in a file's content; a host key already reported by its path is not reported again.
    mutating func addSecrets(_ secrets: [(Finding.Kind, String, Int)], in file: FileRecord) {
        let reported = Set(single.filter { $0.path == file.path }.map(\.kind))
        for (kind, detail, _) in secrets {
            if kind == .privateKey, reported.contains(.sshHostKey) { continue }
            if single.contains(where: { $0.path == file.path && $0.kind == kind && $0.detail == detail }) { continue }
            single.append(Finding(kind: kind, path: file.path, detail: detail, bytes: file.size))
        }
    }

    /// Every finding, the most severe first, then by path.
    var findings: [Finding] {
        (single + groups.values).sorted { ($1.severity, $0.path ?? "", $0.kind.rawValue) < ($0.severity, $1.path ?? "", $1.kind.rawValue) }
    }

    private static func groupDetail(_ kind: Finding.Kind) -> String {
        switch kind {
        case .cloudInitInstance: "cloud-init state of the build instance"
        case .packageCache: "package manager cache"
        case .log: "log files"
        default: kind.rawValue
        }
    }
}
