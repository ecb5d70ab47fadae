/// Findings known by a file's path alone.
package enum PathRules {
    /// What a path's name says it is, for one file: a finding of its own, or a group it adds to.
    package enum Match: Equatable {
        /// A finding about this file.
        case file(Finding.Kind, String)
        /// The file belongs to a group (a cache, a log, an instance's state) rooted at the path.
        case group(Finding.Kind, String)
    }

    /// Credentials files of cloud command-line tools, by their path's ending.
    static let credentialFiles = [
        "/.aws/credentials": "AWS CLI credentials",
        "/.config/gcloud/credentials.db": "gcloud credentials",
        "/.config/gcloud/application_default_credentials.json": "Google application default credentials",
        "/.config/gcloud/legacy_credentials": "gcloud legacy credentials",
        "/.azure/accessTokens.json": "Azure CLI access tokens",
        "/.azure/msal_token_cache.json": "Azure CLI token cache",
        "/.kube/config": "Kubernetes client configuration",
        "/.docker/config.json": "Docker registry credentials",
        "/.git-credentials": "Git credentials",
        "/.netrc": "netrc credentials",
        "/.s3cfg": "s3cmd credentials",
        "/.boto": "boto credentials",
    ]

    /// Shell and REPL history files, by name.
    static let histories: Set<String> = [
        ".bash_history", ".zsh_history", ".sh_history", ".ash_history", ".history", ".python_history", ".mysql_history",
        ".psql_history", ".node_repl_history", ".lesshst", ".viminfo",
    ]

    /// Package managers' caches, by directory.
    static let cacheRoots = [
        "/var/cache/apt", "/var/lib/apt/lists", "/var/cache/yum", "/var/cache/dnf", "/var/cache/apk", "/var/cache/zypp",
        "/var/cache/pacman", "/var/cache/debconf/templates.dat-old", "/root/.cache/pip", "/root/.npm", "/root/.cache/go-build",
    ]

    /// What `path` (a regular file of `size` bytes) is, if anything to report.
    package static func match(_ path: String, size: Int) -> Match? {
        guard size > 0 else { return nil }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if path.hasPrefix("/etc/ssh/ssh_host_"), path.hasSuffix("_key") {
            return .file(.sshHostKey, "SSH host private key")
        }
        if let (_, label) = credentialFiles.first(where: { path.hasSuffix($0.key) && isHomePath(path) }) {
            return .file(.cloudCredentials, label)
        }
        if name == "authorized_keys" || name == "authorized_keys2", path.contains("/.ssh/"), isHomePath(path) {
            return .file(.authorizedKeys, "authorized SSH keys of \(owner(of: path))")
        }
        if histories.contains(name), isHomePath(path) {
            return .file(.shellHistory, "history of \(owner(of: path))")
        }
        if path == "/etc/machine-id" || path == "/var/lib/dbus/machine-id" {
            return .file(.machineID, "machine id of the build machine")
        }
        return groupMatch(path)
    }

    /// The group a file belongs to: cloud-init's per-instance state, a cache, a log.
    private static func groupMatch(_ path: String) -> Match? {
        let parts = path.split(separator: "/").map(String.init)
        if path.hasPrefix("/var/lib/cloud/instances/"), parts.count >= 5 {
            return .group(.cloudInitInstance, "/" + parts.prefix(5).joined(separator: "/"))
        }
        if path.hasPrefix("/var/lib/cloud/data/") || path.hasPrefix("/var/lib/cloud/sem/") {
            return .group(.cloudInitInstance, "/" + parts.prefix(4).joined(separator: "/"))
        }
        if let root = cacheRoots.first(where: { path == $0 || path.hasPrefix($0 + "/") }) {
            return .group(.packageCache, root)
        }
        if parts.count >= 4, parts[0] == "home",
            [".cache/pip", ".npm", ".cache/go-build"].contains(parts[2...3].joined(separator: "/"))
                || (parts.count >= 4 && parts[0] == "home" && parts[2] == ".npm")
        {
            let depth = parts[2] == ".npm" ? 3 : 4
            return .group(.packageCache, "/" + parts.prefix(depth).joined(separator: "/"))
        }
        if path.hasPrefix("/var/log/"), parts.count >= 3 {
            return .group(.log, "/" + parts.prefix(3).joined(separator: "/"))
        }
        return nil
    }

    /// Whether a path is in a user's home (`/root`, `/home/NAME`) or in `/etc/skel`.
    static func isHomePath(_ path: String) -> Bool {
        path.hasPrefix("/root/") || path.hasPrefix("/home/") || path.hasPrefix("/etc/skel/")
    }

    /// `root` or the NAME of `/home/NAME/…`.
    static func owner(of path: String) -> String {
        let parts = path.split(separator: "/")
        if parts.first == "home", parts.count > 1 { return String(parts[1]) }
        return String(parts.first ?? "")
    }

    /// Whether a file's content is worth reading for secrets: not part of the installed
    /// system's software, and small enough to be a key or a configuration file.
    package static func scansContent(_ path: String, size: Int) -> Bool {
        guard size > 0, size <= ContentRules.maximumScannedSize else { return false }
        if path.hasPrefix("/usr/local/") { return true }
        let skipped = ["/usr/", "/lib/", "/lib32/", "/lib64/", "/libx32/", "/bin/", "/sbin/", "/boot/", "/var/lib/dpkg/", "/var/cache/", "/var/log/"]
        return !skipped.contains { path.hasPrefix($0) }
    }
}
